#include "net/admin_wire.h"

#include "common/overloaded.h"
#include "net/line_reader.h"
#include "net/line_writer.h"

namespace consensus_lab::net {

bool is_admin_request(std::string_view line) {
  const std::string_view first = line.substr(0, line.find(' '));
  return first == "meet" || first == "change" || first == "members" || first == "watch";
}

std::string encode(const AdminRequest& request) {
  return std::visit(
      Overloaded{
          [](const MeetRequest& m) {
            return LineWriter("meet").word(m.id).text(m.where.text()).done();
          },
          [](const ChangeRequest& c) { return LineWriter("change").command(c.change).done(); },
          [](const MembersRequest&) { return std::string("members"); },
          [](const WatchRequest&) { return std::string("watch"); },
      },
      request);
}

namespace {

MeetRequest read_meet(LineReader& r) {
  MeetRequest meet;
  meet.id = r.node("the node id");
  const std::string where = r.text("the address");
  const auto endpoint = parse_endpoint(where);
  if (!endpoint) {
    throw DecodeError({"meet takes ID HOST:PORT, not '" + where + "'",
                       "meet 的格式是 ID HOST:PORT，而不是 '" + where + "'"});
  }
  meet.where = *endpoint;
  return meet;
}

ChangeRequest read_change(LineReader& r) {
  const std::string_view kind = r.next("learner, add or remove");
  const NodeId id = r.node("the node id");
  if (kind == "learner") return {Command::learner(id)};
  if (kind == "add") return {Command::add(id)};
  if (kind == "remove") return {Command::remove(id)};
  throw unknown_word({"membership change", "成员变更"}, kind,
                     {" (learner, add or remove)", "（learner、add 或 remove）"});
}

}  // namespace

AdminRequest decode_admin_request(std::string_view line) {
  return decode_line(line, "meet, change, members or watch",
                     [](LineReader& r, std::string_view verb) -> AdminRequest {
                       if (verb == "meet") return read_meet(r);
                       if (verb == "change") return read_change(r);
                       if (verb == "members") return MembersRequest{};
                       if (verb == "watch") return WatchRequest{};
                       throw unknown_word({"request", "请求"}, verb,
                                          {" (meet, change, members or watch)",
                                           "（meet、change、members 或 watch）"});
                     });
}

}  // namespace consensus_lab::net

#include "net/client_wire.h"

#include "common/overloaded.h"
#include "net/line_reader.h"
#include "net/line_writer.h"

namespace consensus_lab::net {

std::string encode(const Hello& hello) {
  return std::visit(
      Overloaded{
          [](const PeerHello& h) { return LineWriter("peer").word(h.protocol).word(h.id).done(); },
          [](const ClientHello&) { return std::string("client"); },
      },
      hello);
}

Hello decode_hello(std::string_view line) {
  return decode_line(line, "peer or client", [](LineReader& r, std::string_view first) -> Hello {
    if (first == "client") return ClientHello{};
    if (first != "peer") {
      throw DecodeError({"a connection starts with `peer PROTOCOL ID` or `client`",
                         "连接的第一行必须是 `peer 协议 节点id` 或 `client`"});
    }
    PeerHello hello;
    hello.protocol = std::string(r.next("the protocol"));
    if (hello.protocol != "raft" && hello.protocol != "multipaxos") {
      throw unknown_word({"protocol", "协议"}, hello.protocol);
    }
    hello.id = r.node("the node id");
    return hello;
  });
}

std::string encode(const Request& request) {
  return std::visit(Overloaded{
                        [](const PutRequest& p) {
                          return LineWriter("put")
                              .text(p.client)
                              .number(p.sequence)
                              .text(p.key)
                              .text(p.value)
                              .done();
                        },
                        [](const GetRequest& g) { return LineWriter("get").text(g.key).done(); },
                    },
                    request);
}

Request decode_request(std::string_view line) {
  return decode_line(line, "put or get", [](LineReader& r, std::string_view verb) -> Request {
    if (verb == "put") {
      PutRequest p;
      p.client = r.text("the client");
      if (p.client.empty()) throw DecodeError({"a put needs a client id", "put 需要客户端 id"});
      p.sequence = r.number("the sequence number");
      if (p.sequence == 0) throw DecodeError({"sequence numbers start at 1", "序号从 1 开始"});
      p.key = r.text("the key");
      p.value = r.text("the value");
      return p;
    }
    if (verb == "get") return GetRequest{.key = r.text("the key")};
    throw unknown_word({"request", "请求"}, verb, {" (put or get)", "（put 或 get）"});
  });
}

std::string encode(const Reply& reply) {
  switch (reply.kind) {
    case Reply::Kind::ok:
      return "ok";
    case Reply::Kind::value:
      return LineWriter("value").text(reply.text).done();
    case Reply::Kind::none:
      return "none";
    case Reply::Kind::redirect:
      return LineWriter("redirect").word(reply.text).done();
    case Reply::Kind::retry:
      return "retry";
    case Reply::Kind::error:
      return LineWriter("error").text(reply.text).done();
  }
  return "error";
}

Reply decode_reply(std::string_view line) {
  return decode_line(line, "a reply", [](LineReader& r, std::string_view kind) {
    if (kind == "ok") return Reply{Reply::Kind::ok, {}};
    if (kind == "none") return Reply{Reply::Kind::none, {}};
    if (kind == "retry") return Reply{Reply::Kind::retry, {}};
    if (kind == "value") return Reply{Reply::Kind::value, r.text("the value")};
    if (kind == "redirect") return Reply{Reply::Kind::redirect, r.node("the node")};
    if (kind == "error") return Reply{Reply::Kind::error, r.text("the reason")};
    throw unknown_word({"reply", "回复"}, kind);
  });
}

}  // namespace consensus_lab::net

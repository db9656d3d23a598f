// A real node's side of Raft membership changes and of a graceful stop
// (docs/real-cluster.md §3.1, §3.2).
//
// How the nodes learn a new node's address. Production systems carry it in
// the configuration entry (etcd's ConfChange context, LogCabin's
// configuration). Here an admin request does it: `conlab cluster add-node`
// tells every running node `meet D HOST:PORT` before it asks the leader for
// `learner D`, and rewrites every node's restart script with `--peer D=…`,
// so a node that was down then, or is killed and restarted later, knows D
// from its command line. The configuration itself — who votes — is only in
// the log, as the protocol keeps it (raft/membership.cpp); an address is
// only where to send. That keeps the log's entries the simulator's and the
// data directory's format as it was, and it is safe: a node that does not
// know an address yet only cannot reach that node (a liveness matter, like
// a partition), and every majority is still counted over the configuration
// in the log. The data directory's identity is the FIRST configuration
// (`--members`), which no membership change alters, so a restart after one
// is not refused.
#include "net/admin_wire.h"
#include "net/incoming_connection.h"
#include "net/node.h"
#include "net/peer_link.h"
#include "net/protocol_runner.h"
#include "net/wire.h"

namespace consensus_lab::net {

// Not the leader: where the leader is, or retry.
Reply Node::not_leader_reply() const {
  const auto hint = runner_->leader_hint();
  return hint && *hint != options_.id ? Reply{Reply::Kind::redirect, *hint}
                                      : Reply{Reply::Kind::retry, {}};
}

void Node::admin_line(const std::shared_ptr<IncomingConnection>& from, const std::string& line) {
  AdminRequest request;
  try {
    request = decode_admin_request(line);
  } catch (const DecodeError& error) {
    return reject(*from, error.reason());
  }
  if (std::holds_alternative<WatchRequest>(request)) return watch(from);  // net/node_watch.cpp
  from->expect_answer();
  if (!std::holds_alternative<MembersRequest>(request) && !may_write(from)) return;
  if (!runner_->changes_membership()) {
    answer(from, Reply{Reply::Kind::error,
                       log_.in_language("membership changes are Raft's only in real mode",
                                        "真实模式下只有 Raft 支持成员变更")});
  } else if (const auto* meeting = std::get_if<MeetRequest>(&request)) {
    meet(meeting->id, meeting->where);
    answer(from, Reply{Reply::Kind::ok, {}});
  } else if (!runner_->leads()) {
    answer(from, not_leader_reply());
  } else if (std::holds_alternative<MembersRequest>(request)) {
    answer(from, Reply{Reply::Kind::value, runner_->members_text()});
  } else {
    return propose_change(from, std::get<ChangeRequest>(request).change);
  }
  schedule_flush();
}

// A node this one can now reach: a link to it, and its protocol knows it.
void Node::meet(const NodeId& id, const Endpoint& where) {
  if (id == options_.id || knows_peer(id)) return;
  auto link = link_to(id, where);
  link->connect();
  links_.emplace(id, std::move(link));
  runner_->know_server(id);
  log_.say(log_.in_language("met node " + id + " at " + where.text(),
                            "认识了节点 " + id + "，地址 " + where.text()));
}

// The leader appends the change; its client hears `ok` once it is committed
// (answer_change), or `error` now when the leader refuses it (one change at
// a time, an entry of its term committed first, a change that changes nothing).
void Node::propose_change(const std::shared_ptr<IncomingConnection>& from, const Command& change) {
  bool appended = false;
  step_with([&] {
    auto [effects, in_log] = runner_->change(now(), change);
    appended = in_log;
    return std::move(effects);
  });
  if (appended) {
    changes_.emplace_back(change, from);
    return;
  }
  answer(from, Reply{Reply::Kind::error,
                     log_.in_language("the leader refused the change now (another one is not "
                                      "committed yet, or it changes nothing); try again",
                                      "领导者现在拒绝这个成员变更（上一个还没有提交，"
                                      "或者它什么也不改变）；请再试")});
  schedule_flush();
}

void Node::answer_change(const Command& applied) {
  for (auto it = changes_.begin(); it != changes_.end();) {
    if (it->first == applied) {
      answer(it->second, Reply{Reply::Kind::ok, {}});
      it = changes_.erase(it);
    } else {
      ++it;
    }
  }
}

// After every step: a leader that stepped down tells the changes it was
// serving to retry; one stopping once it has handed over stops now.
void Node::membership_after_step(bool stepped_down) {
  if (stepped_down) {
    for (auto& [change, to] : changes_) answer(to, Reply{Reply::Kind::retry, {}});
    changes_.clear();
  }
  if (stopping_ && !runner_->leads()) asio::post(io_, [this] { stop_now(); });
}

// SIGTERM at a Raft leader (as etcd does on shutdown): hand the leadership
// to the most up-to-date voter first (thesis §3.10: it catches up, gets
// TimeoutNow and is elected at once, without an election timeout's wait),
// then stop once this node no longer leads — or after an election timeout,
// when the transfer did not complete (the protocol aborts it then too).
// False: nothing to hand over; stop at once.
bool Node::hand_over() {
  if (stopping_) return false;  // a second signal: stop at once
  auto handing = runner_->hand_over(now());
  if (!handing) return false;
  stopping_ = true;
  const NodeId& to = handing->second;
  log_.say(log_.in_language("stopping: first handing leadership over to " + to,
                            "停止：先把领导权转移给 " + to));
  step_with([&] { return std::move(handing->first); });
  stop_timer_.expires_after(std::chrono::milliseconds(options_.election_timeout_max));
  stop_timer_.async_wait([this](const boost::system::error_code& e) {
    if (!e) stop_now();
  });
  signals_.async_wait([this](const boost::system::error_code& e, int) {
    if (!e) stop_now();
  });
  return true;
}

}  // namespace consensus_lab::net

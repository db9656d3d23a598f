#include "net/node.h"

#include <algorithm>
#include <csignal>

#include "net/admin_wire.h"
#include "net/incoming_connection.h"
#include "net/peer_link.h"
#include "net/protocol_runner.h"
#include "net/storage.h"
#include "net/wire.h"

namespace consensus_lab::net {

int run_node(const NodeOptions& options, std::ostream& log) {
  Node node(options, log);
  return node.run();
}

Node::Node(const NodeOptions& options, std::ostream& log)
    : options_(options),
      log_(log, options.id, options.lang, options.colour),
      acceptor_(io_),
      timer_(io_),
      signals_(io_, SIGINT, SIGTERM),
      start_(Clock::now()),
      waiting_(options.id) {}

Node::~Node() = default;

int Node::run() {
  if (!start()) return 1;
  io_.run();
  return failed_ ? 1 : 0;
}

// Returns false (after logging why) when the node cannot start.
bool Node::start() {
  std::vector<NodeId> cluster{options_.id};
  for (const auto& [id, endpoint] : options_.peers) cluster.push_back(id);
  std::sort(cluster.begin(), cluster.end());
  try {
    open_state(cluster);
  } catch (const StorageError& error) {
    log_.say(log_.in_language("cannot start: ", "无法启动：") + log_.in_language(error.reason()),
             narration::Tone::bad);
    return false;
  }
  if (!listen()) return false;
  for (const auto& [id, endpoint] : options_.peers) links_.emplace(id, link_to(id, endpoint));
  announce();
  signals_.async_wait([this](const boost::system::error_code& e, int signal) {
    if (!e) on_signal(signal);
  });
  accept();
  for (auto& [id, link] : links_) link->connect();
  return step([&] { return runner_->start(now()); });
}

// The data directory (if any) and the protocol, restored from it.
void Node::open_state(const std::vector<NodeId>& cluster) {
  if (options_.data_dir) {
    store_ = std::make_unique<Store>(
        *options_.data_dir,
        Identity{.protocol = options_.protocol,
                 .node = options_.id,
                 // The first configuration, which a membership change leaves as it was.
                 .cluster = options_.members.empty() ? cluster : options_.members});
  }
  runner_ = std::make_unique<ProtocolRunner>(options_, cluster, store_.get());
}

void Node::announce() {
  const std::string where = options_.listen.text();
  const narration::Text wire =
      options_.tls ? narration::Text{", TLS with the certificates in " + options_.certificates,
                                     "，TLS，证书在 " + options_.certificates}
                   : narration::Text{
                         ", PLAIN TEXT (--plaintext): anyone who reaches the port can "
                         "speak as a member",
                         "，明文（--plaintext）：任何能连到这个端口的人都能冒充成员"};
  log_.say(log_.in_language(
               options_.protocol + " node " + options_.id + " listening on " + where +
                   (store_ ? ", state in " + store_->path() : ", state in memory only") + wire.en,
               options_.protocol + " 节点 " + options_.id + " 监听 " + where +
                   (store_ ? "，数据在 " + store_->path() : "，状态只在内存中") + wire.zh),
           options_.tls ? narration::Tone::plain : narration::Tone::warn);
}

// The link to peer `id`: its messages go there (over TLS, to a process that
// shows node `id`'s certificate).
std::unique_ptr<PeerLink> Node::link_to(const NodeId& id, const Endpoint& where) {
  const std::string hello =
      encode(Hello{PeerHello{.protocol = options_.protocol, .id = options_.id}}) + "\n";
  return std::make_unique<PeerLink>(io_, id, where, hello,
                                    options_.tls ? &options_.tls->client() : nullptr,
                                    [this](const narration::Text& why) {
                                      log_.say(log_.in_language(why), narration::Tone::bad);
                                    });
}

bool Node::listen() {
  const auto address = options_.listen.host == "localhost"
                           ? asio::ip::address(asio::ip::address_v4::loopback())
                           : asio::ip::address(asio::ip::make_address_v4(options_.listen.host));
  const tcp::endpoint where(address, options_.listen.port);
  boost::system::error_code error;
  acceptor_.open(where.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(where, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    const std::string listening = options_.listen.text();
    log_.say(log_.in_language("cannot listen on " + listening + ": ",
                              "无法在 " + listening + " 上监听：") +
                 error.message(),
             narration::Tone::bad);
    return false;
  }
  return true;
}

// SIGTERM: a Raft leader hands over first (net/node_membership.cpp);
// SIGINT (Ctrl-C, `conlab cluster stop`): stop at once.
void Node::on_signal(int signal) {
  if (signal == SIGTERM && hand_over()) return;
  stop_now();
}

void Node::stop_now() {
  if (std::exchange(stopped_, true)) return;
  flush();
  log_.say(log_.in_language("stopping", "停止"));
  io_.stop();
}

void Node::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (!error) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<IncomingConnection>(*this, std::move(socket),
                                           options_.tls ? &options_.tls->server() : nullptr)
          ->start();
    }
    if (acceptor_.is_open()) accept();
  });
}

// ---- protocol steps ---------------------------------------------------------------

// Everything that writes the data directory runs through here. A step whose
// state cannot be written (disk full, the file gone) must not go on: nothing
// it would send may leave. The node says why and stops.
template <class Work>
bool Node::durably(Work&& work) {
  try {
    work();
    return true;
  } catch (const StorageError& error) {
    log_.say(log_.in_language("cannot write the data directory: ", "无法写入数据目录：") +
                 log_.in_language(error.reason()) + log_.in_language("; stopping", "；停止"),
             narration::Tone::bad);
    failed_ = true;
    outbox_.clear();
    outbox_before_sync_.clear();
    replies_.clear();
    io_.stop();
    return false;
  }
}

// One protocol step: run it, do what it asks, and see to the batch. False
// when its state could not be written (then the node is stopping).
template <class Run>
bool Node::step(Run&& run) {
  if (!durably([&] { carry_out(run()); })) return false;
  after_step();
  return true;
}

bool Node::step_with(const std::function<NodeEffects()>& run) {
  return step(run);
}

void Node::carry_out(NodeEffects effects) {
  for (const auto& line : effects.narration) log_.say(line.text, line.tone);
  for (auto& line : effects.report) report_.push_back(std::move(line));
  for (const auto& applied : effects.applied) {
    for (const auto& [to, reply] : waiting_.applied(applied.command, applied.value)) {
      answer(to, reply);
    }
    answer_change(applied.command);
  }
  for (const auto& read : effects.reads) {
    for (const auto& [to, reply] : waiting_.read_done(read.id, read.value)) answer(to, reply);
  }
  for (auto& [to, line] : effects.send_before_sync) send(to, std::move(line), true);
  for (auto& [to, line] : effects.send) send(to, std::move(line));
  if (effects.wake_at) wake_at(*effects.wake_at);
}

void Node::send(const NodeId& to, std::string line, bool before_sync) {
  const auto it = links_.find(to);
  if (it == links_.end()) return;
  line += '\n';
  (before_sync ? outbox_before_sync_ : outbox_).emplace_back(it->second.get(), std::move(line));
}

// A batch's lines for each peer, in one write per peer.
void Node::send_all(std::vector<std::pair<PeerLink*, std::string>>& lines) {
  for (auto& [link, line] : lines) link->queue(line);
  for (auto& [link, line] : lines) link->send_queued();
  lines.clear();
}

void Node::wake_at(Millis at) {
  if (armed_ && *armed_ == at) return;
  armed_ = at;
  timer_.expires_at(start_ + std::chrono::milliseconds(at));
  timer_.async_wait([this, at](const boost::system::error_code& e) {
    if (e || !armed_ || *armed_ != at) return;
    armed_.reset();
    step([&] { return runner_->tick(now()); });
  });
}

// After every step: a leader that stepped down fails what it was serving
// (clients retry; a retried put is applied once), and the batch is flushed.
void Node::after_step() {
  const bool leads = runner_->leads();
  if (led_ && !leads) {
    for (const auto& [to, reply] : waiting_.retry_all()) answer(to, reply);
  }
  membership_after_step(led_ && !leads);
  led_ = leads;
  schedule_flush();
}

void Node::answer(const std::shared_ptr<IncomingConnection>& to, const Reply& reply) {
  replies_.emplace_back(to, encode(reply) + "\n");
}

void Node::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::post(io_, [this] { flush(); });
}

// Group commit: what this batch made durable is committed (one fsync),
// then its messages and replies go out.
void Node::flush() {
  flush_scheduled_ = false;
  // The requests that arrived in this batch go into the log together: one
  // AppendEntries per follower for all of them (Raft), one fsync.
  if (!proposals_.empty()) {
    std::vector<Command> batch;
    batch.swap(proposals_);
    if (!step([&] { return runner_->submit(now(), batch); })) return;
    flush_scheduled_ = false;
  }
  // A leader's log leaves first and is written meanwhile (thesis §10.2.1:
  // raft::may_leave_before_write); the answers to it are handled only after
  // this sync, in a later batch, so the leader counts itself only once its
  // own copy is durable. Everything else leaves after the sync.
  send_all(outbox_before_sync_);
  if (store_ && !durably([&] { store_->sync(); })) return;
  send_all(outbox_);
  for (auto& [connection, line] : replies_) connection->reply(std::move(line));
  replies_.clear();
  tell_watchers();
}

// ---- from connections ---------------------------------------------------------------

void Node::peer_line(IncomingConnection& from, const NodeId& peer, const std::string& line) {
  try {
    step([&] {
      NodeEffects effects = runner_->receive(now(), peer, line);
      if (effects.refused) refuse(from, *effects.refused);
      return effects;
    });
  } catch (const DecodeError& error) {
    reject(from, error.reason());
    after_step();
  }
}

void Node::client_line(const std::shared_ptr<IncomingConnection>& from, const std::string& line) {
  if (is_admin_request(line)) return admin_line(from, line);  // net/node_membership.cpp
  Request request;
  try {
    request = decode_request(line);
  } catch (const DecodeError& error) {
    return reject(*from, error.reason());
  }
  from->expect_answer();
  if (!runner_->leads()) {
    answer(from, not_leader_reply());
    return schedule_flush();
  }
  if (const auto* put = std::get_if<PutRequest>(&request)) {
    if (!may_write(from)) return;
    proposals_.push_back(waiting_.put(*put, from));
  } else {
    const auto& get = std::get<GetRequest>(request);
    if (const auto local = runner_->read_locally(now(), get.key)) {
      answer(from, Reply::to_read(local->value));
    } else if (runner_->reads_without_log()) {
      const std::uint64_t id = waiting_.wait_for_read(from);
      step([&] { return runner_->read_without_log(now(), id, get.key); });
      return;
    } else {
      proposals_.push_back(waiting_.read(get, from));
    }
  }
  after_step();
}

void Node::reject(IncomingConnection& from, const narration::Text& why) {
  disconnect(from,
             log_.in_language("rejected a line from " + from.who().en + ": " + why.en,
                              "拒绝 " + from.who().zh + " 的消息：" + why.in(narration::Lang::zh)));
}

// A message that decodes, but that no node following the protocol could
// have sent (the role's check(): a node speaking for another, an index past
// the end of the leader's log, a number too large to store…).
void Node::refuse(IncomingConnection& from, const narration::Text& why) {
  disconnect(from, log_.in_language("refused a message from " + from.who().en + ": " + why.en,
                                    "拒绝 " + from.who().zh + " 发来的不可能的消息：" +
                                        why.in(narration::Lang::zh)));
}

void Node::turn_away(IncomingConnection& from, const narration::Text& why) {
  disconnect(from, log_.in_language(
                       "refused " + from.who().en + ": " + why.en,
                       "拒绝来自 " + from.who().zh + " 的连接：" + why.in(narration::Lang::zh)));
}

// --writes-need-certificate: a write from a client that showed no
// certificate of the cluster's CA is answered with an error (reads are not).
bool Node::may_write(const std::shared_ptr<IncomingConnection>& from) {
  if (!options_.writes_need_certificate || from->certified()) return true;
  answer(from, Reply{Reply::Kind::error,
                     log_.in_language("a write needs a client certificate", "写入需要客户端证书")});
  schedule_flush();
  return false;
}

void Node::disconnect(IncomingConnection& from, const std::string& what) {
  log_.say(what + log_.in_language("; connection closed", "；断开连接"), narration::Tone::bad);
  from.close();
}

Millis Node::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
}

}  // namespace consensus_lab::net

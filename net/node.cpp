#include "net/node.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <iomanip>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "cluster/multipaxos_narration.h"
#include "cluster/raft_narration.h"
#include "multipaxos/replica.h"
#include "net/asio.h"
#include "net/storage.h"
#include "net/wire.h"
#include "raft/server.h"

namespace consensus_lab::net {

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string host(text.substr(0, colon));
  const std::string port(text.substr(colon + 1));
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const unsigned long number = std::stoul(port);
  if (number == 0 || number > 65535) return std::nullopt;
  if (host != "localhost") {
    boost::system::error_code error;
    asio::ip::make_address_v4(host, error);
    if (error) return std::nullopt;
  }
  return Endpoint{host, static_cast<unsigned short>(number)};
}

namespace {

using Clock = std::chrono::steady_clock;

// Real randomness for election timeouts, through the one door protocols have.
class SystemRandom final : public RandomSource {
 public:
  SystemRandom() : engine_(std::random_device{}()) {}
  std::uint64_t between(std::uint64_t low, std::uint64_t high) override {
    return std::uniform_int_distribution<std::uint64_t>(low, high)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

// What a protocol driver hands to its node.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void send(const NodeId& to, std::string line) = 0;
  virtual void wake_at(Millis at) = 0;
  virtual void applied(const Command& command, const std::optional<std::string>& value) = 0;
  virtual void narrate(const sim::Line& line) = 0;
  virtual Store* store() = 0;
};

// The node's view of a protocol: feed it, and it reports through the Sink.
class Driver {
 public:
  virtual ~Driver() = default;
  virtual void start(Millis now) = 0;
  // A peer's line (throws DecodeError if it does not decode). Returns why the
  // protocol refused it as impossible — then nothing at all was done.
  virtual std::optional<std::string> receive(Millis now, const NodeId& from,
                                             std::string_view line) = 0;
  virtual void tick(Millis now) = 0;
  virtual void submit(Millis now, const std::vector<Command>& commands) = 0;
  virtual bool leads() const = 0;
  virtual std::optional<NodeId> leader_hint() const = 0;
  // A read the leader may answer from its own state (Multi-Paxos under its
  // lease); none: it must go through the log.
  virtual std::optional<std::optional<std::string>> read_locally(Millis now,
                                                                 const std::string& key) const = 0;
};

// One driver for both protocols; Traits say how each is called.
template <class Traits>
class ProtocolDriver final : public Driver {
 public:
  using Role = typename Traits::Role;
  ProtocolDriver(Sink& sink, const NodeOptions& options, typename Role::Config config,
                 typename Traits::HardState restored)
      : sink_(sink), options_(options), role_(std::move(config), std::move(restored)) {}

  void start(Millis now) override { carry_out(role_.start(now, random_)); }
  std::optional<std::string> receive(Millis now, const NodeId& from,
                                     std::string_view line) override {
    auto effects = role_.handle(now, from, Traits::decode(line), random_);
    // The role checks a message before it changes anything: a refused one
    // has nothing to persist or send.
    if (effects.refused) return std::move(effects.refused);
    carry_out(std::move(effects));
    return std::nullopt;
  }
  void tick(Millis now) override { carry_out(role_.tick(now, random_)); }
  void submit(Millis now, const std::vector<Command>& commands) override {
    carry_out(role_.submit_all(now, commands));
  }
  bool leads() const override { return Traits::leads(role_); }
  std::optional<NodeId> leader_hint() const override { return Traits::leader_hint(role_); }
  std::optional<std::optional<std::string>> read_locally(Millis now,
                                                         const std::string& key) const override {
    return Traits::read_locally(role_, now, key);
  }

 private:
  void carry_out(typename Traits::Effects effects) {
    if (effects.persist && sink_.store() != nullptr) sink_.store()->write(*effects.persist);
    for (const auto& event : effects.events) {
      if (!options_.quiet || Traits::notable(event)) {
        if (auto line = Traits::Describer::event(options_.id, event, options_.lang)) {
          sink_.narrate(*line);
        }
      }
      if (const auto* applied = std::get_if<typename Traits::Applied>(&event)) {
        sink_.applied(applied->command, applied->value);
      }
    }
    for (auto& outgoing : effects.send) sink_.send(outgoing.to, encode(outgoing.message));
    if (effects.wake_at) sink_.wake_at(*effects.wake_at);
  }

  Sink& sink_;
  const NodeOptions& options_;
  SystemRandom random_;
  Role role_;
};

struct RaftTraits {
  using Role = raft::Server;
  using HardState = raft::RaftHardState;
  using Effects = raft::Effects;
  using Applied = raft::event::Applied;
  using Describer = cluster::RaftDescriber;
  static raft::Message decode(std::string_view line) { return decode_raft(line); }
  static bool leads(const Role& s) { return s.role() == raft::Role::leader; }
  // What a quiet node still tells: elections and terms.
  static bool notable(const raft::Event& e) {
    return std::holds_alternative<raft::event::BecameLeader>(e) ||
           std::holds_alternative<raft::event::BecameCandidate>(e) ||
           std::holds_alternative<raft::event::TermRaised>(e);
  }
  static std::optional<NodeId> leader_hint(const Role& s) { return s.leader_hint(); }
  static std::optional<std::optional<std::string>> read_locally(const Role&, Millis,
                                                                const std::string&) {
    return std::nullopt;  // Raft reads go through the log
  }
};

struct MultiPaxosTraits {
  using Role = multipaxos::Replica;
  using HardState = multipaxos::ReplicaHardState;
  using Effects = multipaxos::Effects;
  using Applied = multipaxos::event::Applied;
  using Describer = cluster::MultiPaxosDescriber;
  static multipaxos::Message decode(std::string_view line) { return decode_multipaxos(line); }
  static bool leads(const Role& r) { return r.is_master(); }
  static bool notable(const multipaxos::Event& e) {
    return std::holds_alternative<multipaxos::event::BecameMaster>(e) ||
           std::holds_alternative<multipaxos::event::CampaignStarted>(e) ||
           std::holds_alternative<multipaxos::event::SteppedDown>(e);
  }
  static std::optional<NodeId> leader_hint(const Role& r) { return r.master_hint(); }
  static std::optional<std::optional<std::string>> read_locally(const Role& r, Millis now,
                                                                const std::string& key) {
    if (!r.can_read_locally(now)) return std::nullopt;
    return r.store().get(key);
  }
};

class Node;

// A connection someone opened to us: a peer's messages or a client's requests.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Node& node, tcp::socket socket)
      : node_(node), socket_(std::move(socket)), buffer_(kMaxLine + 1) {}
  void start() { read(); }
  // A client's request that will be answered (now or once it is applied):
  // the connection stays open for the answer even if the client has already
  // closed its sending side (`nc -N`, a script that writes and waits).
  void expect_answer() { ++awaiting_; }
  void reply(std::string line);
  void close();
  bool open() const { return socket_.is_open(); }
  std::string who() const {
    if (!peer_.empty()) return peer_;
    boost::system::error_code error;
    const auto remote = socket_.remote_endpoint(error);
    return error ? "a connection"
                 : "a connection from " + remote.address().to_string() + ":" +
                       std::to_string(remote.port());
  }

 private:
  void read();
  void on_line(std::string line);
  void write();

  Node& node_;
  tcp::socket socket_;
  asio::streambuf buffer_;
  void close_when_answered();

  enum class Kind { unknown, peer, client } kind_ = Kind::unknown;
  NodeId peer_;
  std::string out_, writing_;
  int awaiting_ = 0;         // requests not answered yet
  bool input_done_ = false;  // the client sent all it will send
};

// Our connection to one peer, reconnected with a back-off when it breaks.
struct PeerLink {
  PeerLink(asio::io_context& io, NodeId peer, Endpoint where)
      : id(std::move(peer)), endpoint(std::move(where)), socket(io), retry(io) {}
  NodeId id;
  Endpoint endpoint;
  tcp::socket socket;
  asio::steady_timer retry;
  bool connected = false, connecting = false, writing = false;
  Millis backoff = 10;
  std::string queued, in_flight;
};

class Node final : public Sink {
 public:
  Node(asio::io_context& io, const NodeOptions& options, std::ostream& log)
      : io_(io),
        options_(options),
        log_(log),
        acceptor_(io),
        timer_(io),
        signals_(io, SIGINT, SIGTERM),
        start_(Clock::now()) {}

  // Returns false (after logging why) when the node cannot start.
  bool start() {
    std::vector<NodeId> cluster{options_.id};
    for (const auto& [id, endpoint] : options_.peers) cluster.push_back(id);
    std::sort(cluster.begin(), cluster.end());
    if (options_.data_dir) {
      try {
        store_ = std::make_unique<Store>(*options_.data_dir,
                                         Identity{options_.protocol, options_.id, cluster});
      } catch (const StorageError& error) {
        say_error(std::string("cannot start: ") + error.what());
        return false;
      }
    }
    try {
      make_driver(cluster);
    } catch (const StorageError& error) {
      say_error(std::string("cannot start: ") + error.what());
      return false;
    }
    boost::system::error_code error;
    tcp::endpoint where(listen_address(), options_.listen.port);
    acceptor_.open(where.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(where, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      say_error("cannot listen on " + options_.listen.text() + ": " + error.message());
      return false;
    }
    for (const auto& [id, endpoint] : options_.peers) {
      links_.emplace(id, std::make_unique<PeerLink>(io_, id, endpoint));
    }
    say(options_.lang == sim::Lang::zh
            ? options_.protocol + " 节点 " + options_.id + " 监听 " + options_.listen.text() +
                  (store_ ? "，数据在 " + store_->path() : "，状态只在内存中")
            : options_.protocol + " node " + options_.id + " listening on " +
                  options_.listen.text() +
                  (store_ ? ", state in " + store_->path() : ", state in memory only"));
    signals_.async_wait([this](const boost::system::error_code& e, int) {
      if (e) return;
      flush();
      say(options_.lang == sim::Lang::zh ? "停止" : "stopping");
      io_.stop();
    });
    accept();
    for (auto& [id, link] : links_) connect(*link);
    if (!durably([&] { driver_->start(now()); })) return false;
    after_step();
    return true;
  }

  // ---- Sink --------------------------------------------------------------------
  void send(const NodeId& to, std::string line) override {
    const auto it = links_.find(to);
    if (it == links_.end()) return;
    line += '\n';
    outbox_.emplace_back(it->second.get(), std::move(line));
  }
  void wake_at(Millis at) override {
    if (armed_ && *armed_ == at) return;
    armed_ = at;
    timer_.expires_at(start_ + std::chrono::milliseconds(at));
    timer_.async_wait([this, at](const boost::system::error_code& e) {
      if (e || !armed_ || *armed_ != at) return;
      armed_.reset();
      if (!durably([&] { driver_->tick(now()); })) return;
      after_step();
    });
  }
  void applied(const Command& command, const std::optional<std::string>& value) override {
    if (command.kind == Command::Kind::put) {
      const auto it = pending_puts_.find({command.client, command.sequence});
      if (it == pending_puts_.end()) return;
      for (auto& weak : it->second) answer(weak, Reply{Reply::Kind::ok, {}});
      pending_puts_.erase(it);
    } else if (command.kind == Command::Kind::read && command.client == reader_) {
      const auto it = pending_reads_.find(command.sequence);
      if (it == pending_reads_.end()) return;
      answer(it->second, value ? Reply{Reply::Kind::value, *value} : Reply{Reply::Kind::none, {}});
      pending_reads_.erase(it);
    }
  }
  void narrate(const sim::Line& line) override { say(line.text, line.tone); }
  Store* store() override { return store_.get(); }

  // ---- from connections -----------------------------------------------------------
  bool knows_peer(const NodeId& id) const { return links_.count(id) != 0; }
  const std::string& protocol() const { return options_.protocol; }
  void peer_line(Connection& from, const NodeId& peer, const std::string& line) {
    std::optional<std::string> refused;
    try {
      if (!durably([&] { refused = driver_->receive(now(), peer, line); })) return;
    } catch (const DecodeError& error) {
      reject(from, error.what());
    }
    if (refused) refuse(from, *refused);
    after_step();
  }
  void client_line(const std::shared_ptr<Connection>& from, const std::string& line) {
    Request request;
    try {
      request = decode_request(line);
    } catch (const DecodeError& error) {
      reject(*from, error.what());
      return;
    }
    from->expect_answer();
    if (!driver_->leads()) {
      const auto hint = driver_->leader_hint();
      answer(from, hint && *hint != options_.id ? Reply{Reply::Kind::redirect, *hint}
                                                : Reply{Reply::Kind::retry, {}});
      schedule_flush();
      return;
    }
    if (const auto* put = std::get_if<PutRequest>(&request)) {
      pending_puts_[{put->client, put->sequence}].push_back(from);
      proposals_.push_back(Command::put(put->key, put->value, put->client, put->sequence));
    } else {
      const auto& get = std::get<GetRequest>(request);
      if (auto local = driver_->read_locally(now(), get.key)) {
        answer(from, *local ? Reply{Reply::Kind::value, **local} : Reply{Reply::Kind::none, {}});
      } else {
        const std::uint64_t sequence = ++reads_;
        pending_reads_[sequence] = from;
        proposals_.push_back(Command::read(get.key, reader_, sequence));
      }
    }
    after_step();
  }
  void reject(Connection& from, const std::string& why) {
    say((options_.lang == sim::Lang::zh
             ? "拒绝 " + from.who() + " 的消息：" + why + "；断开连接"
             : "rejected a line from " + from.who() + ": " + why + "; connection closed"),
        sim::Tone::bad);
    from.close();
  }
  // A message that decodes, but that no node following the protocol could
  // have sent (the role's check(): a node speaking for another, an index past
  // the end of the leader's log, a number too large to store…).
  void refuse(Connection& from, const std::string& why) {
    say((options_.lang == sim::Lang::zh
             ? "拒绝 " + from.who() + " 发来的不可能的消息：" + why + "；断开连接"
             : "refused a message from " + from.who() + ": " + why + "; connection closed"),
        sim::Tone::bad);
    from.close();
  }
  void say(const std::string& text, sim::Tone tone = sim::Tone::plain) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    const std::time_t seconds = ms / 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    log_ << std::put_time(&local, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0')
         << ms % 1000 << std::setfill(' ') << ' '
         << sim::paint("[" + options_.id + "] ", sim::Tone::quiet, options_.colour)
         << sim::paint(text, tone, options_.colour) << '\n'
         << std::flush;
  }
  void say_error(const std::string& text) { say(text, sim::Tone::bad); }
  void schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    asio::post(io_, [this] { flush(); });
  }
  void write(PeerLink& link);

 private:
  Millis now() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count();
  }
  asio::ip::address listen_address() const {
    return options_.listen.host == "localhost"
               ? asio::ip::address(asio::ip::address_v4::loopback())
               : asio::ip::address(asio::ip::make_address_v4(options_.listen.host));
  }

  void make_driver(const std::vector<NodeId>& cluster) {
    if (options_.protocol == "raft") {
      raft::Server::Config config;
      config.self = options_.id;
      config.servers = cluster;
      config.timing = {options_.election_timeout_min, options_.election_timeout_max,
                       options_.heartbeat};
      config.back_off_to_log_end = true;
      config.max_entries_per_append = 256;
      driver_ = std::make_unique<ProtocolDriver<RaftTraits>>(
          *this, options_, config, store_ ? store_->load_raft() : raft::RaftHardState{});
    } else {
      multipaxos::Replica::Config config;
      config.self = options_.id;
      config.members = cluster;
      config.index = static_cast<std::uint64_t>(
          std::find(cluster.begin(), cluster.end(), options_.id) - cluster.begin() + 1);
      config.count = cluster.size();
      config.timing.election_timeout_min = options_.election_timeout_min;
      config.timing.election_timeout_max = options_.election_timeout_max;
      config.timing.heartbeat = options_.heartbeat;
      // More slots in flight than the simulator's 4: each round trip to the
      // replicas (and each fsync) then carries many commands. The window is
      // also α, how late a membership change takes effect; real mode has none.
      config.timing.window = 256;
      driver_ = std::make_unique<ProtocolDriver<MultiPaxosTraits>>(
          *this, options_, config,
          store_ ? store_->load_multipaxos() : multipaxos::ReplicaHardState{});
    }
  }

  // Run a protocol step. A step whose state cannot be written to the data
  // directory (disk full, the file gone) must not go on: nothing it would
  // send may leave. The node says why and stops.
  template <class Step>
  bool durably(Step&& step) {
    try {
      step();
      return true;
    } catch (const StorageError& error) {
      say_error(std::string("cannot write the data directory: ") + error.what() + "; stopping");
      failed_ = true;
      outbox_.clear();
      replies_.clear();
      io_.stop();
      return false;
    }
  }

  // After every step: a leader that stepped down fails what it was serving
  // (clients retry; a retried put is applied once), and the batch is flushed.
  void after_step() {
    const bool leads = driver_->leads();
    if (led_ && !leads) {
      for (auto& [key, waiting] : pending_puts_) {
        for (auto& weak : waiting) answer(weak, Reply{Reply::Kind::retry, {}});
      }
      for (auto& [sequence, weak] : pending_reads_) answer(weak, Reply{Reply::Kind::retry, {}});
      pending_puts_.clear();
      pending_reads_.clear();
    }
    led_ = leads;
    schedule_flush();
  }

  void answer(const std::shared_ptr<Connection>& to, const Reply& reply) {
    replies_.emplace_back(to, encode(reply) + "\n");
  }

  // Group commit: what this batch made durable is committed (one fsync),
  // then its messages and replies go out.
  void flush() {
    flush_scheduled_ = false;
    // The requests that arrived in this batch go into the log together: one
    // AppendEntries per follower for all of them (Raft), one fsync.
    if (!proposals_.empty()) {
      std::vector<Command> batch;
      batch.swap(proposals_);
      if (!durably([&] { driver_->submit(now(), batch); })) return;
      after_step();
      flush_scheduled_ = false;
    }
    if (store_) {
      try {
        store_->sync();
      } catch (const StorageError& error) {
        say_error(std::string("cannot write the data directory: ") + error.what() + "; stopping");
        io_.stop();
        failed_ = true;
        return;
      }
    }
    for (auto& [link, line] : outbox_) {
      if (link->connected) {
        link->queued += line;
        write(*link);
      }
    }
    outbox_.clear();
    for (auto& [connection, line] : replies_) {
      connection->reply(std::move(line));
    }
    replies_.clear();
  }

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
      if (!error) {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Connection>(*this, std::move(socket))->start();
      }
      if (acceptor_.is_open()) accept();
    });
  }

  void connect(PeerLink& link) {
    link.connecting = true;
    auto resolver = std::make_shared<tcp::resolver>(io_);
    resolver->async_resolve(
        link.endpoint.host, std::to_string(link.endpoint.port),
        [this, &link, resolver](const boost::system::error_code& error,
                                tcp::resolver::results_type results) {
          if (error) return retry(link);
          asio::async_connect(
              link.socket, results,
              [this, &link](const boost::system::error_code& e, const tcp::endpoint&) {
                if (e) return retry(link);
                link.socket.set_option(tcp::no_delay(true));
                link.connected = true;
                link.connecting = false;
                link.backoff = 10;
                link.queued =
                    encode(Hello{PeerHello{options_.protocol, options_.id}}) + "\n" + link.queued;
                write(link);
                watch(link);
              });
        });
  }
  // Our outgoing connections carry nothing back; a read that ends means the
  // peer closed it (it stopped, or rejected us).
  void watch(PeerLink& link) {
    auto byte = std::make_shared<char>();
    link.socket.async_read_some(
        asio::buffer(byte.get(), 1),
        [this, &link, byte](const boost::system::error_code& e, std::size_t) {
          if (e) drop(link);
        });
  }
  void drop(PeerLink& link) {
    if (!link.connected) return;
    boost::system::error_code ignored;
    link.socket.close(ignored);
    link.connected = false;
    link.writing = false;
    link.queued.clear();
    link.in_flight.clear();
    retry(link);
  }
  void retry(PeerLink& link) {
    link.connecting = false;
    boost::system::error_code ignored;
    link.socket.close(ignored);
    link.retry.expires_after(std::chrono::milliseconds(link.backoff));
    // At most 100 ms: well under an election timeout, so that a node that
    // restarts hears its leader before it gives up on it.
    link.backoff = std::min<Millis>(link.backoff * 2, 100);
    link.retry.async_wait([this, &link](const boost::system::error_code& e) {
      if (!e) connect(link);
    });
  }

  asio::io_context& io_;
  const NodeOptions& options_;
  std::ostream& log_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;
  asio::signal_set signals_;
  Clock::time_point start_;
  std::optional<Millis> armed_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Driver> driver_;
  std::map<NodeId, std::unique_ptr<PeerLink>> links_;
  std::vector<std::pair<PeerLink*, std::string>> outbox_;
  std::vector<std::pair<std::shared_ptr<Connection>, std::string>> replies_;
  bool flush_scheduled_ = false;
  std::vector<Command> proposals_;  // client requests waiting for the next flush
  bool led_ = false;
  // Reads through the log carry this client id: one per run of the node, so
  // that the state machine's de-duplication never takes a read for a repeat.
  const std::string reader_ = "read-" + options_.id + "-" + std::to_string(std::random_device{}());
  std::uint64_t reads_ = 0;
  std::map<std::pair<std::string, std::uint64_t>, std::vector<std::shared_ptr<Connection>>>
      pending_puts_;
  std::map<std::uint64_t, std::shared_ptr<Connection>> pending_reads_;

 public:
  bool failed_ = false;
};

void Node::write(PeerLink& link) {
  if (link.writing || link.queued.empty() || !link.connected) return;
  link.writing = true;
  link.in_flight.swap(link.queued);
  asio::async_write(link.socket, asio::buffer(link.in_flight),
                    [this, &link](const boost::system::error_code& error, std::size_t) {
                      link.writing = false;
                      link.in_flight.clear();
                      if (error) return drop(link);
                      write(link);
                    });
}

void Connection::read() {
  auto self = shared_from_this();
  asio::async_read_until(
      socket_, buffer_, '\n', [this, self](const boost::system::error_code& error, std::size_t) {
        if (error) {
          if (error == asio::error::not_found) {
            node_.reject(*this, "a line longer than " + std::to_string(kMaxLine) + " bytes");
          }
          if (error == asio::error::eof && kind_ == Kind::client) {
            input_done_ = true;  // answer what it asked, then close
            return close_when_answered();
          }
          return close();
        }
        // Every whole line already here, before the next read: lines that
        // arrived together are handled in one batch (and one fsync).
        for (;;) {
          const auto begin = asio::buffers_begin(buffer_.data());
          const auto end = asio::buffers_end(buffer_.data());
          const auto newline = std::find(begin, end, '\n');
          if (newline == end || !socket_.is_open()) break;
          std::string line(begin, newline);
          buffer_.consume(line.size() + 1);
          if (!line.empty() && line.back() == '\r') line.pop_back();
          on_line(std::move(line));
        }
        if (socket_.is_open()) read();
      });
}

void Connection::on_line(std::string line) {
  switch (kind_) {
    case Kind::unknown: {
      Hello hello;
      try {
        hello = decode_hello(line);
      } catch (const DecodeError& error) {
        return node_.reject(*this, error.what());
      }
      if (const auto* peer = std::get_if<PeerHello>(&hello)) {
        if (peer->protocol != node_.protocol()) {
          return node_.reject(
              *this, "a " + peer->protocol + " node in a " + node_.protocol() + " cluster");
        }
        if (!node_.knows_peer(peer->id)) {
          return node_.reject(*this, "node " + peer->id + " is not a member of this cluster");
        }
        kind_ = Kind::peer;
        peer_ = peer->id;
      } else {
        kind_ = Kind::client;
      }
      return;
    }
    case Kind::peer:
      return node_.peer_line(*this, peer_, line);
    case Kind::client:
      return node_.client_line(shared_from_this(), line);
  }
}

void Connection::reply(std::string line) {
  if (awaiting_ > 0) --awaiting_;
  if (!socket_.is_open()) return;
  out_ += line;
  write();
}

void Connection::write() {
  if (!writing_.empty() || out_.empty()) return;
  writing_.swap(out_);
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(writing_),
                    [this, self](const boost::system::error_code& error, std::size_t) {
                      writing_.clear();
                      if (error) return close();
                      write();
                      close_when_answered();
                    });
}

void Connection::close_when_answered() {
  if (input_done_ && awaiting_ == 0 && out_.empty() && writing_.empty()) close();
}

void Connection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace

int run_node(const NodeOptions& options, std::ostream& log) {
  asio::io_context io(1);
  Node node(io, options, log);
  if (!node.start()) return 1;
  io.run();
  return node.failed_ ? 1 : 0;
}

}  // namespace consensus_lab::net

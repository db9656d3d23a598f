#include "tools/check/workload.h"

#include <algorithm>
#include <sstream>

namespace consensus_lab::check {

namespace {

// Every fault by name, with its default rate, and whether `all` has it.
struct FaultName {
  const char* name;
  unsigned Faults::*rate;
  unsigned default_rate;
  bool in_all = true;
};
constexpr FaultName kFaults[] = {
    {"drop", &Faults::drop, 5},
    {"duplicate", &Faults::duplicate, 5},
    {"reorder", &Faults::reorder, 10},
    {"partition", &Faults::partition, 10},
    {"crash", &Faults::crash, 10},
    {"delay", &Faults::delay, 5},
    {"isolate", &Faults::isolate, 10, /*in_all=*/false},
};

// Latency when messages may overtake each other, and when they may not.
constexpr const char* kReorderLatency = "set latency 1..40";
// The longest `run` step of the safety phase.
constexpr Millis kLongestRunStep = 100;
// How long a held-back message waits (`delay`): far past the latency bound of
// 40 ms, about as long as a lease or an election timeout.
constexpr Millis kShortestHold = 100;
constexpr Millis kLongestHold = 500;

std::string node_name(std::size_t i) {
  // A, B, … Z, then N27, N28, …
  return i < 26 ? std::string(1, static_cast<char>('A' + i)) : "N" + std::to_string(i + 1);
}

// A fault's rate: a percentage, 0 to 100.
std::optional<unsigned> parse_rate(const std::string& number) {
  if (number.empty() || number.size() > 3 ||
      !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoul(number) > 100) {
    return std::nullopt;
  }
  return static_cast<unsigned>(std::stoul(number));
}

}  // namespace

Faults Faults::all() {
  Faults faults;
  for (const auto& fault : kFaults) faults.*fault.rate = fault.in_all ? fault.default_rate : 0;
  return faults;
}

std::optional<narration::Text> parse_faults(const std::string& text, Faults& faults) {
  faults = Faults{};
  if (text == "none") return std::nullopt;
  if (text == "all") {
    faults = Faults::all();
    return std::nullopt;
  }
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    const auto equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const auto* fault = std::find_if(std::begin(kFaults), std::end(kFaults),
                                     [&](const FaultName& f) { return name == f.name; });
    if (fault == std::end(kFaults)) {
      return narration::Text{"unknown fault '" + name + "' (" + fault_names() + "; or all, none)",
                             "未知的故障 '" + name + "'（" + fault_names() + "；或 all、none）"};
    }
    unsigned rate = fault->default_rate;
    if (equals != std::string::npos) {
      const std::string number = item.substr(equals + 1);
      const auto parsed = parse_rate(number);
      if (!parsed) {
        return narration::Text{
            "the rate of " + name + " is a percentage, 0 to 100, not '" + number + "'",
            name + " 的比率是百分比，0 到 100，而不是 '" + number + "'"};
      }
      rate = *parsed;
    }
    faults.*fault->rate = rate;
  }
  return std::nullopt;
}

std::string to_string(const Faults& faults) {
  std::string out;
  for (const auto& fault : kFaults) {
    if (faults.*fault.rate == 0) continue;
    if (!out.empty()) out += ",";
    out += std::string(fault.name) + "=" + std::to_string(faults.*fault.rate);
  }
  return out.empty() ? "none" : out;
}

std::string fault_names() {
  std::string out;
  for (const auto& fault : kFaults) out += (out.empty() ? "" : ", ") + std::string(fault.name);
  return out;
}

std::vector<std::string> header_lines(const Options& options, std::uint64_t seed) {
  std::vector<std::string> lines{"protocol " + options.protocol};
  std::vector<NodeId> ids;
  std::string nodes = "nodes";
  for (std::size_t i = 0; i < options.nodes; ++i) {
    ids.push_back(node_name(i));
    nodes += " " + ids.back();
  }
  lines.push_back(nodes);
  const auto factory = scenario::protocols().find(options.protocol);
  if (factory != scenario::protocols().end()) {
    for (auto& line : factory->second()->check_header(ids)) lines.push_back(std::move(line));
  }
  lines.push_back("seed " + std::to_string(seed));
  return lines;
}

std::vector<std::string> settings_lines(const Options& options) {
  std::vector<std::string> lines;
  if (options.faults.reorder > 0) lines.emplace_back(kReorderLatency);
  if (options.faults.drop > 0) lines.push_back("set drop " + std::to_string(options.faults.drop));
  for (const auto& [name, on] : options.rules) {
    lines.push_back("set rule " + name + (on ? " on" : " off"));
  }
  for (const auto& [name, value] : options.features) lines.push_back("set " + name + " " + value);
  // Partitions that heal, and no other fault: a network on which a leader
  // that keeps its majority must not be deposed (cluster/raft_stability_invariant.h;
  // checked with check-quorum on).
  if (options.protocol == "raft" &&
      options.faults == Faults{.partition = options.faults.partition} &&
      options.faults.partition > 0) {
    lines.emplace_back("set leader-stability on");
  }
  const auto factory = scenario::protocols().find(options.protocol);
  if (factory != scenario::protocols().end()) {
    for (auto& line : factory->second()->check_settings()) lines.push_back(std::move(line));
  }
  return lines;
}

Workload::Workload(const Options& options, std::uint64_t seed, RecordingSession& session)
    : options_(options),
      rng_(seed ^ 0x9e3779b97f4a7c15ULL),
      session_(session),
      cluster_(session.cluster()) {
  for (const auto& [name, value] : options.features) {
    snapshots_ = snapshots_ || (options.protocol == "raft" && name.starts_with("snapshot"));
  }
}

void Workload::run_safety_phase(Run& run) {
  for (std::uint64_t step = 0;; ++step) {
    if (options_.ms ? cluster_.now() >= *options_.ms : step >= options_.steps) break;
    run.steps = step + 1;
    if (!session_.execute(next_line())) return;
  }
}

// A step: a fault, else some work for the cluster, else time passing.
std::string Workload::next_line() {
  if (!follow_up_.empty()) {
    std::string line = std::move(follow_up_.front());
    follow_up_.pop_front();
    return line;
  }
  while (!deferred_.empty()) {
    const auto make = std::move(deferred_.front());
    deferred_.pop_front();
    if (auto line = make()) return *line;
  }
  if (servers_.empty()) servers_ = cluster_.servers();
  up_.clear();
  down_.clear();
  for (const NodeId& id : servers_) (cluster_.is_up(id) ? up_ : down_).push_back(id);
  if (auto line = fault_line(up_, down_)) return *line;
  if (auto line = work_line(up_)) return *line;
  return "run " + std::to_string(rng_.between(1, kLongestRunStep));
}

std::optional<std::string> Workload::fault_line(const std::vector<NodeId>& up,
                                                const std::vector<NodeId>& down) {
  const Faults& faults = options_.faults;
  if (!down.empty() && rng_.chance(20)) return "restart " + pick(down);
  if (partitioned_ && rng_.chance(20)) {
    partitioned_ = false;
    return "heal";
  }
  // Half the crashes and partitions aim at the leader, whose failures
  // start elections (Jepsen's nemeses do the same).
  const auto leader = cluster_.leader();
  const bool aim = leader && rng_.chance(50);
  if (up.size() > 1 && rng_.chance(faults.crash)) return "crash " + (aim ? *leader : pick(up));
  if (!partitioned_ && servers_.size() > 1 && rng_.chance(faults.partition)) {
    partitioned_ = true;
    return partition_line(servers_, aim ? leader : std::nullopt);
  }
  if (!partitioned_ && leader && servers_.size() > 2 && rng_.chance(faults.isolate)) {
    partitioned_ = true;
    return isolate_line(*leader);
  }
  if (rng_.chance(faults.duplicate)) {
    if (auto line = queued_line("duplicate")) return line;
  }
  if (rng_.chance(faults.reorder)) {
    if (auto line = queued_line("deliver")) return line;
  }
  if (rng_.chance(faults.delay)) return delay_line();
  return std::nullopt;
}

// Fault `isolate`, in two cuts. First a follower Z is cut off alone, long
// enough to miss the leader's heartbeats: its election timer fires (it stands
// in vain). Then the leader L is the one cut off: Z, whose timer runs on its
// own, asks the others for votes while they still hear from L and L's lease
// (thesis §6.4.1) holds. A client writes to a new leader, then reads at L.
// Nothing is forced: every timer fires when its timeout says. Only
// check-quorum's vote refusal (§6.2) keeps the others from electing Z then —
// what a lease read rests on. Each later line is made when its turn comes (a
// put only if a server other than L leads, a read only if L is up).
std::string Workload::isolate_line(const NodeId& leader) {
  std::vector<NodeId> others;
  for (const NodeId& id : servers_) {
    if (id != leader) others.push_back(id);
  }
  const NodeId z = pick(others);
  std::string first = "partition " + leader, second = "partition " + leader + " |";
  for (const NodeId& id : others) {
    if (id != z) first += " " + id;
    second += " " + id;
  }
  const std::string key = "k" + std::to_string(rng_.between(1, 3));
  deferred_.push_back([this] { return "run " + std::to_string(rng_.between(150, 300)); });
  deferred_.push_back([second] { return second; });
  for (int attempt = 0; attempt < 2; ++attempt) {
    deferred_.push_back([this] { return "run " + std::to_string(rng_.between(5, 60)); });
    deferred_.push_back([this, leader, key]() -> std::optional<std::string> {
      const auto now = cluster_.leader();
      if (!now || *now == leader) return std::nullopt;
      return "put " + key + " " + std::to_string(++requests_);
    });
  }
  deferred_.push_back([this] { return "run " + std::to_string(rng_.between(5, 40)); });
  deferred_.push_back([this, leader, key]() -> std::optional<std::string> {
    if (!cluster_.is_up(leader)) return std::nullopt;
    return "read " + leader + " " + key;
  });
  return first + " | " + z;
}

// `delay FROM TO TYPE MS` for a random queued message — half the time after
// `duplicate FROM TO TYPE`: the original arrives late, its copy in time.
std::optional<std::string> Workload::delay_line() {
  const auto held = queued_message();
  if (!held) return std::nullopt;
  const std::string link = held->from + " " + held->to + " " + held->type;
  const std::string hold = "delay " + link + " " +
                           std::to_string(rng_.between(static_cast<std::uint64_t>(kShortestHold),
                                                       static_cast<std::uint64_t>(kLongestHold)));
  if (!rng_.chance(50)) return hold;
  follow_up_.push_back(hold);
  return "duplicate " + link;
}

// A client request, a membership change, a leadership transfer, an election
// nobody asked for, or a snapshot.
std::optional<std::string> Workload::work_line(const std::vector<NodeId>& up) {
  if (rng_.chance(options_.requests)) {
    if (auto line = cluster_.client_line(requests_ + 1, rng_.next())) {
      ++requests_;
      return line;
    }
  }
  if (rng_.chance(options_.membership)) {
    auto lines = cluster_.membership_lines(rng_.next());
    if (!lines.empty()) {
      for (std::size_t i = 1; i < lines.size(); ++i) follow_up_.push_back(std::move(lines[i]));
      return lines.front();
    }
  }
  if (rng_.chance(options_.transfers)) {
    if (auto line = cluster_.transfer_line(rng_.next())) return line;
  }
  if (options_.protocol != "paxos" && !up.empty() && rng_.chance(3)) return "timeout " + pick(up);
  if (snapshots_ && !up.empty() && rng_.chance(5)) return "snapshot " + pick(up);
  return std::nullopt;
}

// `duplicate|deliver FROM TO TYPE` for a random queued message.
std::optional<std::string> Workload::queued_line(const std::string& verb) {
  const auto m = queued_message();
  if (!m) return std::nullopt;
  return verb + " " + m->from + " " + m->to + " " + m->type;
}

std::optional<scenario::QueuedMessage> Workload::queued_message() {
  auto queued = cluster_.queued_messages();
  if (queued.empty()) return std::nullopt;
  return std::move(queued[rng_.between(0, queued.size() - 1)]);
}

// Two random groups, or the leader alone against the rest.
std::string Workload::partition_line(std::vector<NodeId> servers,
                                     const std::optional<NodeId>& alone) {
  for (std::size_t i = servers.size() - 1; i > 0; --i) {  // Fisher–Yates
    std::swap(servers[i], servers[rng_.between(0, i)]);
  }
  std::size_t cut = rng_.between(1, servers.size() - 1);
  if (alone) {
    std::iter_swap(servers.begin(), std::find(servers.begin(), servers.end(), *alone));
    cut = 1;
  }
  std::string line = "partition";
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (i == cut) line += " |";
    line += " " + servers[i];
  }
  return line;
}

const NodeId& Workload::pick(const std::vector<NodeId>& ids) {
  return ids[rng_.between(0, ids.size() - 1)];
}

void run_liveness_phase(const Options& options, RecordingSession& session, std::uint64_t probe) {
  scenario::Checkable& cluster = session.cluster();
  std::vector<std::string> lines{"heal"};
  for (const NodeId& id : cluster.servers()) {
    if (!cluster.is_up(id)) lines.push_back("restart " + id);
  }
  if (options.faults.drop > 0) lines.emplace_back("set drop 0");
  lines.push_back("run " + std::to_string(options.liveness_ms));
  for (const auto& line : lines) {
    if (!session.execute(line)) return;
  }
  for (const auto& line : cluster.probe_lines(probe)) {
    if (!session.execute(line)) return;
  }
  if (!session.execute("run " + std::to_string(options.probe_ms))) return;
  for (const auto& line : cluster.progress_lines()) {
    if (!session.execute(line)) return;
  }
}

}  // namespace consensus_lab::check

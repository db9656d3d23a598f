#include "tools/scenario/runner.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "tools/scenario/protocol.h"
#include "tools/scenario/script.h"

namespace consensus_lab::scenario {

namespace {

bool is_shared_header(const std::string& command) {
  return command == "protocol" || command == "nodes" || command == "seed";
}

}  // namespace

// The header: `protocol` first, then nodes / seed / the protocol's own words.
class Session::Impl {
 public:
  Impl(const RunOptions& options, std::ostream& out) : options_(options), out_(out) {}

  void line(const Line& line) {
    current_ = line.number;
    const std::string& command = line.command();
    if (!protocol_) return open(line);
    if (!started_) {
      if (command == "nodes") return nodes(line);
      if (command == "seed") return seed(line);
      if (command == "protocol") fail("the protocol is given twice");
      if (protocol_->header(line)) return;
      start();
    } else if (is_shared_header(command) || command == "proposers" || command == "members") {
      fail("'" + command + "' belongs in the header, before the first other command");
    }
    echo(line);
    protocol_->execute(line);
    check();
  }

  // After the last line: a file that is all header still builds its cluster.
  void finish() {
    if (protocol_ && !started_) start();
  }

  int current_line() const { return current_; }
  ProtocolScenario* protocol() { return started_ ? protocol_.get() : nullptr; }

 private:
  void open(const Line& line) {
    if (line.command() != "protocol" || line.size() != 2) {
      fail("a scenario starts with `protocol paxos|multipaxos|raft`");
    }
    const auto entry = protocols().find(line[1]);
    if (entry == protocols().end()) {
      fail("unknown protocol '" + line[1] + "' (paxos, multipaxos or raft)");
    }
    protocol_ = entry->second();
  }

  void nodes(const Line& line) {
    if (!nodes_.empty()) fail("nodes are given twice");
    if (line.size() < 2) fail("usage: nodes ID…");
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (!is_node_id(line[i]))
        fail("'" + line[i] +
             "' is not a node id (letters, digits, _ and -, starting with a letter)");
      if (std::find(nodes_.begin(), nodes_.end(), line[i]) != nodes_.end()) {
        fail("node " + line[i] + " is named twice");
      }
      nodes_.push_back(line[i]);
    }
  }

  void seed(const Line& line) {
    require_words(line, 2, 2, "seed N");
    seed_ = parse_number(line[1], "the seed");
  }

  void start() {
    if (nodes_.empty())
      fail("the header must name the nodes (`nodes ID…`) before any other command");
    started_ = true;
    protocol_->start(nodes_, options_.seed.value_or(seed_),
                     {options_.trace, options_.lang, options_.colour, &out_});
  }

  void echo(const Line& line) {
    if (!options_.trace) return;
    protocol_->flush_narration();
    const std::string label =
        (options_.lang == narration::Lang::zh ? "第 " + std::to_string(line.number) + " 行："
                                              : "line " + std::to_string(line.number) + ": ");
    out_ << narration::bold(label + line.text(), options_.colour) << '\n';
  }

  void check() {
    if (const auto violation = protocol_->violation()) {
      throw ScenarioError(
          ScenarioError::Kind::invariant, violation->invariant + ": " + violation->detail,
          violation->name(narration::Lang::zh) + "：" + violation->what(narration::Lang::zh));
    }
  }

  RunOptions options_;
  std::ostream& out_;
  std::unique_ptr<ProtocolScenario> protocol_;
  std::vector<NodeId> nodes_;
  std::uint64_t seed_ = 1;
  bool started_ = false;
  int current_ = 0;
};

Session::Session(const RunOptions& options, std::ostream& out)
    : impl_(std::make_unique<Impl>(options, out)) {}
Session::~Session() = default;
void Session::execute(const Line& line) {
  impl_->line(line);
}
void Session::finish() {
  impl_->finish();
}
ProtocolScenario* Session::protocol() {
  return impl_->protocol();
}
int Session::current_line() const {
  return impl_->current_line();
}

const char* report_label(ScenarioError::Kind kind, narration::Lang lang) {
  const bool zh = lang == narration::Lang::zh;
  switch (kind) {
    case ScenarioError::Kind::error:
      break;
    case ScenarioError::Kind::expect:
      return zh ? "期望不成立" : "expect failed";
    case ScenarioError::Kind::invariant:
      return zh ? "违反不变式" : "invariant violated";
  }
  return zh ? "错误" : "error";
}

int run_file(const std::string& path, const RunOptions& options, std::ostream& out,
             std::ostream& err) {
  std::ifstream file(path);
  if (!file) {
    err << path << ": error: cannot read the file\n";
    return 2;
  }
  const std::vector<Line> lines = read_script(file);
  Session run(options, out);
  int status = 0;
  try {
    if (lines.empty())
      fail("the file is empty: a scenario starts with `protocol paxos|multipaxos|raft`");
    for (const Line& line : lines) run.execute(line);
    run.finish();
  } catch (const ScenarioError& error) {
    if (auto* protocol = run.protocol()) protocol->flush_narration();
    out.flush();
    err << path << ':' << std::max(run.current_line(), 1) << ": "
        << report_label(error.kind(), options.lang)
        << (options.lang == narration::Lang::zh ? "：" : ": ") << error.message(options.lang)
        << '\n';
    status = error.exit_status();
  } catch (const std::exception& error) {  // e.g. sim::UsageError: a bad call, never a crash
    out.flush();
    err << path << ':' << std::max(run.current_line(), 1) << ": error: " << error.what() << '\n';
    status = 2;
  }
  if (auto* protocol = run.protocol()) {
    protocol->flush_narration();
    if (options.diagram) {
      std::ofstream diagram(*options.diagram);
      if (diagram) protocol->write_diagram(diagram, options.lang);
      if (!diagram) {
        err << *options.diagram << ": error: cannot write the diagram\n";
        status = std::max(status, 2);
      }
    }
  }
  return status;
}

}  // namespace consensus_lab::scenario

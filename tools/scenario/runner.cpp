#include "tools/scenario/runner.h"

#include <algorithm>
#include <fstream>
#include <memory>

#include "tools/scenario/protocol.h"
#include "tools/scenario/script.h"
#include "viewer/page.h"

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
    if (explore_) {
      fail({"`explore` ends the set-up: no command may follow it",
            "`explore` 结束了初始设置：它后面不能再有命令"});
    }
    if (!protocol_) return open(line);
    if (!started_) {
      if (command == "nodes") return nodes(line);
      if (command == "seed") return seed(line);
      if (command == "protocol") fail({"the protocol is given twice", "`protocol` 写了两次"});
      if (protocol_->header(line)) return;
      start();
    } else if (is_shared_header(command) || command == "proposers" || command == "members" ||
               command == "learners") {
      fail({"'" + command + "' belongs in the header, before the first other command",
            "'" + command + "' 属于文件头，应写在第一条别的命令之前"});
    }
    if (command == "explore") {  // conlab explore takes over (docs/explore.md)
      explore_ = parse_explore(line);
      return;
    }
    echo(line);
    if (page_) {
      page_->start_step({"line " + std::to_string(line.number) + ": " + line.text(),
                         "第 " + std::to_string(line.number) + " 行：" + line.text()});
    }
    if (command != "expect" || !page_) {
      protocol_->execute(line);
    } else {
      expect(line);
    }
    check();
  }

  viewer::Page* page() { return page_.get(); }

  // After the last line: a file that is all header still builds its cluster.
  void finish() {
    if (protocol_ && !started_) start();
  }

  int current_line() const { return current_; }
  ProtocolScenario* protocol() { return started_ ? protocol_.get() : nullptr; }
  const std::optional<ExploreBounds>& explore_point() const { return explore_; }

 private:
  void open(const Line& line) {
    if (line.command() != "protocol" || line.size() != 2) {
      fail({"a scenario starts with `protocol paxos|multipaxos|raft`",
            "场景文件以 `protocol paxos|multipaxos|raft` 开头"});
    }
    const auto entry = protocols().find(line[1]);
    if (entry == protocols().end()) {
      fail({"unknown protocol '" + line[1] + "' (paxos, multipaxos or raft)",
            "未知的协议 '" + line[1] + "'（可用：`paxos`、`multipaxos`、`raft`）"});
    }
    protocol_ = entry->second();
    protocol_name_ = line[1];
  }

  void nodes(const Line& line) {
    if (!nodes_.empty()) fail({"nodes are given twice", "`nodes` 写了两次"});
    if (line.size() < 2) fail({"usage: nodes ID…", "用法：nodes ID…"});
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (!is_node_id(line[i]))
        fail({"'" + line[i] +
                  "' is not a node id (letters, digits, _ and -, starting with a letter)",
              "'" + line[i] + "' 不是节点名（节点名由字母、数字、_ 和 - 组成，以字母开头）"});
      if (std::find(nodes_.begin(), nodes_.end(), line[i]) != nodes_.end()) {
        fail({"node " + line[i] + " is named twice", "节点 " + line[i] + " 写了两次"});
      }
      nodes_.push_back(line[i]);
    }
  }

  void seed(const Line& line) {
    require_words(line, 2, 2, "seed N");
    seed_ = parse_number(line[1], {"the seed", "种子"});
  }

  // An expectation, as a check of the page: whether it held.
  void expect(const Line& line) {
    try {
      protocol_->execute(line);
    } catch (const ScenarioError& error) {
      if (error.kind() == ScenarioError::Kind::expect) page_->add_check(line.text(), false);
      throw;
    }
    page_->add_check(line.text(), true);
  }

  void start() {
    if (nodes_.empty())
      fail({"the header must name the nodes (`nodes ID…`) before any other command",
            "文件头必须先写出节点（`nodes ID…`），再写别的命令"});
    started_ = true;
    if (options_.html) {
      page_ = std::make_unique<viewer::Page>(
          protocol_name_, options_.title.value_or(narration::Text{}), options_.lang, nodes_);
    }
    protocol_->start(nodes_, options_.seed.value_or(seed_),
                     {options_.trace, options_.lang, options_.colour, &out_, page_.get()});
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
          ScenarioError::Kind::invariant,
          {violation->invariant + ": " + violation->detail,
           violation->name(narration::Lang::zh) + "：" + violation->what(narration::Lang::zh)});
    }
  }

  RunOptions options_;
  std::ostream& out_;
  std::unique_ptr<ProtocolScenario> protocol_;
  std::string protocol_name_;
  std::unique_ptr<viewer::Page> page_;  // with RunOptions::html
  std::vector<NodeId> nodes_;
  std::uint64_t seed_ = 1;
  bool started_ = false;
  int current_ = 0;
  std::optional<ExploreBounds> explore_;  // the file's `explore` line, once read
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
viewer::Page* Session::page() {
  return impl_->page();
}
int Session::current_line() const {
  return impl_->current_line();
}
const std::optional<ExploreBounds>& Session::explore_point() const {
  return impl_->explore_point();
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

namespace {

// One report line: "WHERE: LABEL: REASON" (en), "WHERE: LABEL：REASON" (zh).
void report(std::ostream& err, const std::string& where, ScenarioError::Kind kind,
            const std::string& reason, narration::Lang lang) {
  err << where << ": " << report_label(kind, lang) << (lang == narration::Lang::zh ? "：" : ": ")
      << reason << '\n';
}

// The page of a run that ended with `status` at `where`: its verdict, then
// the file. False when it cannot be written.
bool write_page(viewer::Page& page, const std::string& path, int status, const std::string& where) {
  if (status == 0) {
    page.set_verdict({"every expectation holds", "每个期望都成立"}, true);
  } else {
    page.set_verdict({"the run stops at " + where, "运行停在 " + where}, false);
  }
  std::ofstream out(path);
  if (out) page.write(out);
  return static_cast<bool>(out);
}

}  // namespace

int run_file(const std::string& path, const RunOptions& options, std::ostream& out,
             std::ostream& err) {
  const auto error_kind = ScenarioError::Kind::error;
  std::ifstream file(path);
  if (!file) {
    report(err, path, error_kind, Text{"cannot read the file", "无法读取这个文件"}.in(options.lang),
           options.lang);
    return 2;
  }
  const std::vector<Line> lines = read_script(file);
  RunOptions titled = options;
  if (!titled.title) titled.title = narration::Text{"Scenario " + path, "场景 " + path};
  Session run(titled, out);
  const auto where = [&] { return path + ':' + std::to_string(std::max(run.current_line(), 1)); };
  int status = 0;
  try {
    if (lines.empty())
      fail({"the file is empty: a scenario starts with `protocol paxos|multipaxos|raft`",
            "文件是空的：场景文件以 `protocol paxos|multipaxos|raft` 开头"});
    for (const Line& line : lines) run.execute(line);
    run.finish();
  } catch (const ScenarioError& error) {
    if (auto* protocol = run.protocol()) protocol->flush_narration();
    out.flush();
    report(err, where(), error.kind(), error.message(options.lang), options.lang);
    status = error.exit_status();
  } catch (const std::exception& error) {  // a bad call, never a crash
    out.flush();
    report(err, where(), error_kind, error.what(), options.lang);
    status = 2;
  }
  if (auto* protocol = run.protocol()) {
    protocol->flush_narration();
    if (options.html && !write_page(*run.page(), *options.html, status, where())) {
      report(err, *options.html, error_kind,
             Text{"cannot write the page", "无法写入网页"}.in(options.lang), options.lang);
      status = std::max(status, 2);
    }
    if (options.diagram) {
      std::ofstream diagram(*options.diagram);
      if (diagram) protocol->write_diagram(diagram, options.lang);
      if (!diagram) {
        report(err, *options.diagram, error_kind,
               Text{"cannot write the diagram", "无法写入时序图"}.in(options.lang), options.lang);
        status = std::max(status, 2);
      }
    }
  }
  return status;
}

}  // namespace consensus_lab::scenario

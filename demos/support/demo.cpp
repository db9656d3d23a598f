#include "demos/support/demo.h"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "narration/describers.h"
#include "sim/narrator.h"
#include "tools/options.h"
#include "viewer/views.h"

namespace consensus_lab::demos {

namespace {

using tools::Text;

std::string program_name(const DemoInfo& info) {
  return info.number + "_" + info.name;
}

// "Demo 01 — Basic Paxos, the prepare phase" / "演示 01 — Basic Paxos 准备阶段".
std::string title(const DemoInfo& info, narration::Lang lang) {
  return lang == narration::Lang::zh ? "演示 " + info.number + " — " + info.title_zh
                                     : "Demo " + info.number + " — " + info.title_en;
}

// The help: the demo's title, the notes it reproduces, then the options.
std::string help_before(const DemoInfo& info, narration::Lang lang) {
  // In English the Chinese title follows, to find the place in the notes;
  // in Chinese the notes' words are all there is.
  if (lang == narration::Lang::zh) {
    return title(info, lang) + "\n" + "重现课程笔记：" + info.notes_section_zh + "\n\n" + "用法：" +
           program_name(info) + " [选项]\n\n";
  }
  return title(info, lang) + "\n" + "       " + info.title_zh + "\n" +
         "Reproduces the course notes: " + info.notes_section + "\n\n" +
         "Usage: " + program_name(info) + " [options]\n\n";
}

const Text kExit{
    "\nExit status: 0 when the run ends as the notes say, 1 when it does not,\n"
    "2 for a bad option.\n",
    "\n退出码：0 运行结果与笔记一致，1 不一致，2 选项错误。\n"};

// Why the demo does not offer the option `word` (--seed, --diagram, --msc)
// that other demos offer, if it is one of them.
std::optional<Text> not_offered(std::string_view word, const DemoInfo& info) {
  const std::string_view name = word.substr(0, word.find('='));
  if (name == "--seed" && !info.uses_randomness) {
    return Text{"--seed: this demo makes no random choice, so a seed would change nothing",
                "--seed：这个演示不做随机选择，种子不会改变任何东西"};
  }
  if ((name == "--diagram" || name == "--msc") && !info.draws_diagrams) {
    return Text{
        "--diagram and --msc: this demo runs several clusters and prints a table; it draws no "
        "sequence diagram (--html writes a page for each cluster)",
        "--diagram 和 --msc：这个演示运行好几个集群、打印一张表，不画时序图（--html "
        "为每个集群写一个网页）"};
  }
  return std::nullopt;
}

// --html's help: one page of the run, or, in a demo of several clusters
// (demo 17), one page of each.
Text html_help(const DemoInfo& info) {
  if (!info.draws_diagrams) {
    return {
        "write each cluster's run as a page to step through in a browser: FILE-paxos.html, "
        "FILE-multipaxos.html, FILE-raft.html (docs/viewer.md)",
        "把每个集群的运行过程写成可在浏览器中逐步查看的网页：FILE-paxos.html、"
        "FILE-multipaxos.html、FILE-raft.html（docs/zh/viewer.md）"};
  }
  return {"write the run as a page to step through in a browser (docs/viewer.md)",
          "把运行过程写成可在浏览器中逐步查看的网页（docs/zh/viewer.md）"};
}

// The verdict, printed last and shown on the page.
narration::Text verdict_text(int passed, int failed) {
  const int total = passed + failed;
  if (failed == 0) {
    return {"All " + std::to_string(total) + " checks hold: the run ends as the notes say.",
            "全部 " + std::to_string(total) + " 项检查通过：结果与笔记一致。"};
  }
  return {std::to_string(failed) + " of " + std::to_string(total) +
              " checks failed: the run does not end as the notes say.",
          std::to_string(failed) + " 项检查未通过：结果与笔记不一致。"};
}

// Where a demo of several clusters writes the page of `protocol`: next to
// FILE, FILE's stem + "-" + protocol + ".html".
std::string added_page_path(const std::string& file, const std::string& protocol) {
  const std::filesystem::path path(file);
  return (path.parent_path() / (path.stem().string() + "-" + protocol + ".html")).string();
}

}  // namespace

DemoOptions parse_demo_options(int argc, char** argv, const DemoInfo& info) {
  DemoOptions options;
  options.seed = info.seed;
  tools::CommandLine line(program_name(info), "--help",
                          {"print this help and exit", "打印本帮助后退出"});
  for (int i = 1; i < argc; ++i) {
    if (const auto why = not_offered(argv[i], info)) {
      std::exit(line.error(std::string(why->in(tools::help_language(argc, argv)))));
    }
  }
  line.flag("step", options.step,
            {"wait for Enter between steps (reads standard input)",
             "每一步之间等待按 Enter（读标准输入）"})
      .lang({"narrate in English or in the notes' Chinese", "用英文或笔记的中文讲述"});
  if (info.draws_diagrams) {
    line.value("diagram", options.diagram, "FILE.md",
               {"write a Mermaid sequence diagram of the run", "把运行过程写成 Mermaid 时序图"})
        .value("msc", options.msc, "FILE.msc",
               {"write the run as input for mscgen (mscgen -T png -i FILE.msc)",
                "把运行过程写成 mscgen 的输入（mscgen -T png -i FILE.msc）"});
  }
  line.value("html", options.html, "FILE.html", html_help(info));
  if (info.uses_randomness) {
    line.value("seed", options.seed, "N",
               {"seed for every random choice of the run", "本次运行中每个随机选择的种子"});
  }
  line.flag("quiet,q", options.quiet,
            {"print only the verdict, and any check that fails", "只打印结论，以及未通过的检查"});
  const std::string before_en = help_before(info, narration::Lang::en);
  const std::string before_zh = help_before(info, narration::Lang::zh);
  if (const auto status = line.parse(argc, argv, {{before_en, before_zh}, kExit})) {
    std::exit(*status);
  }
  options.lang = line.language();
  options.colour = narration::colour_wanted(stdout);
  return options;
}

Demo::Demo(int argc, char** argv, std::string_view number, const Stage& stage)
    : info_(demo_info(number)), options_(parse_demo_options(argc, argv, info_)), stage_(stage) {
  heading();
}

template <class Describer, class M, class E>
void Demo::narrate(sim::World<M, E>& world, bool show_time) {
  using Narrator = sim::Narrator<M, E, Describer>;
  auto narrator = std::make_shared<Narrator>(
      std::cout, typename Narrator::Options{options_.lang, options_.colour, show_time});
  flush_ = [narrator] { narrator->flush(); };
  if (!options_.quiet) {
    world.add_listener([narrator, muted = muted_](const auto& record) {
      if (!*muted) (*narrator)(record);
    });
  }
}

template <class Describer, class M, class E>
void Demo::finish_run(const sim::World<M, E>& world, const std::vector<NodeId>& participants) {
  if (flush_) flush_();
  if (const auto& violation = world.violation()) {
    check(false, "no invariant is violated (" + violation->invariant + ")",
          "没有违反不变式（" + violation->invariant + "）");
  }
  write_diagrams<Describer>(world, participants);
}

void Demo::write_pages() {
  if (page_) {
    page_->set_verdict(verdict_text(passed_checks_, failed_checks_), failed_checks_ == 0);
    write_file(options_.html, [&](std::ostream& out) { page_->write(out); });
  }
  if (!added_pages_.empty() && !options_.quiet) std::cout << '\n';
  for (const AddedPage& added : added_pages_) {
    added.page->set_verdict(verdict_text(added.passed, added.failed), added.failed == 0);
    const std::string path = added_page_path(*options_.html, added.protocol);
    if (write_file(path, [&](std::ostream& out) { added.page->write(out); }) && !options_.quiet) {
      // The words `conlab check` prints when it writes a page.
      print({zh() ? "网页：" + path + "（在浏览器中打开）"
                  : "wrote " + path + " (open it in a browser)",
             narration::Tone::plain});
    }
  }
}

template <class Describer, class Cluster, class Options>
Cluster& Demo::build(Options options, const char* protocol) {
  assert(!cluster_ && "a demo builds one cluster");
  options.seed = options_.seed;
  auto cluster = std::make_shared<Cluster>(std::move(options));
  cluster->world().set_latency(stage_.latency);
  narrate<Describer>(cluster->world(), stage_.show_time);
  if (options_.html) {
    page_ = std::make_unique<viewer::Page>(
        protocol,
        narration::Text{title(info_, narration::Lang::en), title(info_, narration::Lang::zh)},
        options_.lang, cluster->participants());
    viewer::record(*cluster, *page_);
  }
  finish_run_ = [this, &built = *cluster] {
    finish_run<Describer>(built.world(), built.participants());
  };
  cluster_ = cluster;
  return *cluster;
}

void Demo::record_page(cluster::PaxosCluster& cluster, const narration::Text& caption) {
  if (!options_.html || page_) return;
  page_ = std::make_unique<viewer::Page>(
      "paxos",
      narration::Text{title(info_, narration::Lang::en), title(info_, narration::Lang::zh)},
      options_.lang, cluster.participants());
  page_->start_step(caption);
  viewer::record(cluster, *page_);
}

template <class Cluster>
viewer::Page* Demo::add_page(Cluster& cluster, const char* protocol, const narration::Text& title) {
  if (!options_.html) return nullptr;
  auto page =
      std::make_unique<viewer::Page>(protocol,
                                     narration::Text{"Demo " + info_.number + " — " + title.en,
                                                     "演示 " + info_.number + " — " + title.zh},
                                     options_.lang, cluster.participants());
  viewer::record(cluster, *page);
  added_pages_.push_back({protocol, std::move(page)});
  return added_pages_.back().page.get();
}

viewer::Page* Demo::add_page(cluster::PaxosCluster& cluster, const narration::Text& title) {
  return add_page(cluster, "paxos", title);
}

viewer::Page* Demo::add_page(cluster::MultiPaxosCluster& cluster, const narration::Text& title) {
  return add_page(cluster, "multipaxos", title);
}

viewer::Page* Demo::add_page(cluster::RaftCluster& cluster, const narration::Text& title) {
  return add_page(cluster, "raft", title);
}

cluster::PaxosCluster& Demo::paxos_cluster(cluster::PaxosOptions options) {
  return build<narration::PaxosDescriber, cluster::PaxosCluster>(std::move(options), "paxos");
}

cluster::MultiPaxosCluster& Demo::multipaxos_cluster(cluster::MultiPaxosOptions options) {
  return build<narration::MultiPaxosDescriber, cluster::MultiPaxosCluster>(std::move(options),
                                                                           "multipaxos");
}

cluster::RaftCluster& Demo::raft_cluster(cluster::RaftOptions options) {
  return build<narration::RaftDescriber, cluster::RaftCluster>(std::move(options), "raft");
}

int Demo::finish() {
  if (finish_run_) finish_run_();
  write_pages();
  return verdict();
}

void Demo::print(const narration::Line& line, int indent) {
  if (flush_) flush_();
  std::cout << std::string(static_cast<std::size_t>(indent), ' ')
            << narration::paint(line.text, line.tone, options_.colour) << '\n';
}

void Demo::heading() {
  if (options_.quiet) return;
  std::cout << narration::bold(title(info_, options_.lang), options_.colour) << '\n'
            << (zh() ? "笔记：" + info_.notes_section_zh : "Notes: " + info_.notes_section) << '\n';
}

void Demo::part(const std::string& en, const std::string& zh_text) {
  in_checks_ = false;
  if (page_) page_->start_step({en, zh_text});
  if (options_.quiet) return;
  if (flush_) flush_();
  std::cout << '\n'
            << narration::bold("== " + (zh() ? zh_text : en) + " ==", options_.colour) << '\n';
}

void Demo::step(const std::string& en, const std::string& zh_text,
                const std::function<void()>& action) {
  ++step_number_;
  in_checks_ = false;
  if (page_) {
    const std::string n = std::to_string(step_number_);
    page_->start_step({"Step " + n + ": " + en, "第 " + n + " 步：" + zh_text});
  }
  if (!options_.quiet) {
    if (flush_) flush_();
    const std::string label = zh() ? "第 " + std::to_string(step_number_) + " 步：" + zh_text
                                   : "Step " + std::to_string(step_number_) + ": " + en;
    std::cout << '\n' << narration::bold(label, options_.colour) << '\n';
  }
  action();
  if (flush_) flush_();
  if (options_.step) pause();
}

void Demo::say(const std::string& en, const std::string& zh_text) {
  if (options_.quiet) return;
  print({zh() ? zh_text : en, narration::Tone::plain});
}

void Demo::pause() {
  std::cout << narration::paint(zh() ? "（按回车继续）" : "(press Enter for the next step)",
                                narration::Tone::quiet, options_.colour)
            << std::flush;
  std::string ignored;
  std::getline(std::cin, ignored);  // end of input also continues
  // A terminal echoes the Enter; piped input does not, so end the line here.
  if (::isatty(STDIN_FILENO) == 0) std::cout << '\n';
}

void Demo::check(bool holds, const std::string& en, const std::string& zh_text,
                 const std::vector<std::string>& protocols) {
  for (AddedPage& added : added_pages_) {
    if (std::find(protocols.begin(), protocols.end(), added.protocol) == protocols.end()) continue;
    added.page->add_check({en, zh_text}, holds);
    holds ? ++added.passed : ++added.failed;
  }
  check(holds, en, zh_text);
}

void Demo::check(bool holds, const std::string& en, const std::string& zh_text) {
  holds ? ++passed_checks_ : ++failed_checks_;
  if (page_) page_->add_check({en, zh_text}, holds);
  if (options_.quiet && holds) return;
  if (!in_checks_ && !options_.quiet) {
    std::cout << '\n' << narration::bold(zh() ? "检查：" : "Checks:", options_.colour) << '\n';
  }
  in_checks_ = true;
  // The mark before each check: "ok   " / "FAIL " in English, "✓ " / "✗ " in Chinese.
  const std::string text = zh() ? zh_text : en;
  const std::string mark = holds ? (zh() ? "✓ " : "ok   ") : (zh() ? "✗ " : "FAIL ");
  print({mark + text, holds ? narration::Tone::good : narration::Tone::bad}, 2);
}

bool Demo::write_file(const std::optional<std::string>& path,
                      const std::function<void(std::ostream&)>& write) {
  if (!path) return false;
  std::ofstream out(*path);
  if (out) write(out);
  if (!out) {
    std::cerr << program_name(info_) << ": error: cannot write " << *path << '\n';
    write_failed_ = true;
  }
  return static_cast<bool>(out);
}

int Demo::verdict() {
  if (!options_.quiet) std::cout << '\n';
  print({verdict_text(passed_checks_, failed_checks_).in(options_.lang),
         failed_checks_ == 0 ? narration::Tone::good : narration::Tone::bad});
  if (write_failed_) return 2;
  return failed_checks_ == 0 ? 0 : 1;
}

}  // namespace consensus_lab::demos

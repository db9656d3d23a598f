// What every numbered demo shares: its command line (--step, --lang, --diagram,
// --msc, --html, --seed, --quiet, --help), the cluster it builds and narrates, steps
// with the notes' captions, the final checks (exit 1 when the outcome is not
// the notes'), and the sequence diagrams. This header brings what the demos
// use: the three simulated clusters and the demo itself.
//
// A demo reads like the notes:
//
//   Demo demo(argc, argv, "01");  // parses the options; a timed demo adds its Stage
//   auto& cluster = demo.paxos_cluster({.servers = {"A", "B", "C"}, …});  // seeded, narrated
//   demo.step("A and B receive Prepare 1 first…", "节点 A、B 先收到…", [&] { … });
//   demo.check(cluster.chosen_values() == {"7"}, "the chosen value is 7", "选定的值是 7");
//   return demo.finish();
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/multipaxos_cluster.h"
#include "cluster/paxos_cluster.h"
#include "cluster/raft_cluster.h"
#include "demos/support/catalogue.h"
#include "narration/line.h"
#include "sim/diagram.h"
#include "sim/world.h"
#include "viewer/page.h"

namespace consensus_lab::demos {

struct DemoOptions {
  bool step = false;
  bool quiet = false;
  narration::Lang lang = narration::Lang::en;
  std::optional<std::string> diagram;  // Mermaid, Markdown file
  std::optional<std::string> msc;      // mscgen input
  std::optional<std::string> html;     // the run viewer's page (viewer/page.h)
  std::uint64_t seed = 1;
  bool colour = false;
};

// Parses the options. --help prints the usage and exits 0; a bad option
// prints one line naming it and exits 2.
DemoOptions parse_demo_options(int argc, char** argv, const DemoInfo& info);

// The stage a demo's cluster plays on.
struct Stage {
  // How long a message takes when the world runs on its own (world.run,
  // world.advance); a demo that delivers every message by hand keeps the
  // default.
  sim::Latency latency;
  // Whether each narrated line starts with the virtual time.
  bool show_time = false;
};

// Election timeouts several demos give servers (Raft) or replicas
// (Multi-Paxos) A, B, C:
//  - the notes': "A = 150 ms, B = 200 ms, C = 300 ms" (shared/notes/README.md,
//    Raft election) — A times out first;
inline const std::map<NodeId, Millis> kNotesElectionTimeouts{{"A", 150}, {"B", 200}, {"C", 300}};
//  - timers that wait longer than the demo runs: the demo starts each
//    election itself (cluster.timeout), where the notes' story does.
inline const std::map<NodeId, Millis> kElectionsByHand{{"A", 1000}, {"B", 1000}, {"C", 1000}};

class Demo {
 public:
  // The demo numbered `number` in the catalogue; its cluster plays on `stage`.
  Demo(int argc, char** argv, std::string_view number, const Stage& stage = {});
  Demo(const Demo&) = delete;
  Demo& operator=(const Demo&) = delete;

  const DemoOptions& options() const { return options_; }
  narration::Lang lang() const { return options_.lang; }
  bool zh() const { return options_.lang == narration::Lang::zh; }

  // The demo's cluster: built with the demo's --seed (it replaces
  // options.seed), put on the demo's stage, and narrated from its first
  // event (unless --quiet). A demo builds one cluster; it lives as long as
  // the demo.
  cluster::PaxosCluster& paxos_cluster(cluster::PaxosOptions options);
  cluster::MultiPaxosCluster& multipaxos_cluster(cluster::MultiPaxosOptions options);
  cluster::RaftCluster& raft_cluster(cluster::RaftOptions options);

  // With --html: the page shows `cluster`, one the demo built itself (demo 06
  // builds one per slot), from its first event on, as the chapter `caption`.
  void record_page(cluster::PaxosCluster& cluster, const narration::Text& caption);

  // With --html, in a demo that runs several clusters (demo 17): a page of
  // its own for `cluster`, from its first event on, titled with the demo's
  // number and `title`. finish() writes it next to FILE, FILE's stem + "-" +
  // its protocol + ".html" (run.html: run-paxos.html, run-raft.html…).
  // Returns it, for the demo to add chapters to; null without --html.
  viewer::Page* add_page(cluster::PaxosCluster& cluster, const narration::Text& title);
  viewer::Page* add_page(cluster::MultiPaxosCluster& cluster, const narration::Text& title);
  viewer::Page* add_page(cluster::RaftCluster& cluster, const narration::Text& title);

  // Run `action` without narrating its events (a long stretch of heartbeats).
  void silently(const std::function<void()>& action) {
    if (flush_) flush_();
    *muted_ = true;
    action();
    *muted_ = false;
  }

  // A heading for a part of the demo.
  void part(const std::string& en, const std::string& zh);
  // One step: print its caption (the notes' words), run it, and with --step
  // wait for Enter before the next.
  void step(const std::string& en, const std::string& zh, const std::function<void()>& action);
  // A remark in the narration.
  void say(const std::string& en, const std::string& zh);
  // One expected outcome. Every failed check makes the demo exit 1.
  void check(bool holds, const std::string& en, const std::string& zh);
  // …that is also a check of the pages (add_page) of `protocols` ("paxos",
  // "multipaxos", "raft").
  void check(bool holds, const std::string& en, const std::string& zh,
             const std::vector<std::string>& protocols);

  // Write the diagrams asked for (--diagram, --msc) of `world`'s run.
  template <class Describer, class M, class E>
  void write_diagrams(const sim::World<M, E>& world, const std::vector<NodeId>& participants) {
    write_file(options_.diagram, [&](std::ostream& out) {
      out << "# " << info_.number << " " << info_.name << "\n\n";
      sim::write_mermaid<M, E, Describer>(out, world.trace(), participants, options_.lang);
    });
    write_file(options_.msc, [&](std::ostream& out) {
      sim::write_msc<M, E, Describer>(out, world.trace(), participants, options_.lang);
    });
  }

  // Check the run of the demo's cluster was safe and write its diagrams (if
  // it built one), print the verdict, return the exit status.
  int finish();

 private:
  // Seed, stage and narrate the demo's cluster, and keep it for finish().
  template <class Describer, class Cluster, class Options>
  Cluster& build(Options options, const char* protocol);
  // Narrate `world`: every trace record becomes a line on stdout (unless
  // --quiet).
  template <class Describer, class M, class E>
  void narrate(sim::World<M, E>& world, bool show_time);
  // Check `world`'s run was safe (no invariant was violated), write its
  // diagrams.
  template <class Describer, class M, class E>
  void finish_run(const sim::World<M, E>& world, const std::vector<NodeId>& participants);
  int verdict();
  // With --html: the page of the run, its steps, checks and verdict, and
  // the pages added with add_page, each with its own checks and verdict.
  void write_pages();
  template <class Cluster>
  viewer::Page* add_page(Cluster& cluster, const char* protocol, const narration::Text& title);
  void heading();
  void pause();
  bool write_file(const std::optional<std::string>& path,
                  const std::function<void(std::ostream&)>& write);
  void print(const narration::Line& line, int indent = 0);

  DemoInfo info_;
  DemoOptions options_;
  Stage stage_;
  std::function<void()> flush_;
  std::shared_ptr<bool> muted_ = std::make_shared<bool>(false);
  std::unique_ptr<viewer::Page> page_;  // with --html: the run, as the viewer shows it
  struct AddedPage {
    std::string protocol;
    std::unique_ptr<viewer::Page> page;
    int passed = 0;
    int failed = 0;
  };
  std::vector<AddedPage> added_pages_;  // with --html, in a demo of several clusters
  std::shared_ptr<void> cluster_;       // the demo's cluster, of one of three types…
  std::function<void()> finish_run_;    // …and finish_run() of its world
  int step_number_ = 0;
  int failed_checks_ = 0;
  int passed_checks_ = 0;
  bool write_failed_ = false;
  bool in_checks_ = false;  // the last line printed was a check
};

}  // namespace consensus_lab::demos

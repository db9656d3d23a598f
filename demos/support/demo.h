// What every numbered demo shares: its command line (--step, --lang, --diagram,
// --msc, --seed, --quiet, --help), live narration of the simulated run, steps
// with the notes' captions, the final checks (exit 1 when the outcome is not
// the notes'), and the sequence diagrams.
//
// A demo reads like the notes:
//
//   Demo demo(argc, argv, "01");            // parses the options
//   PaxosCluster cluster({...});
//   auto narration = demo.narrate<PaxosDescriber>(cluster.world());
//   demo.step("A and B receive Prepare 1 first…", "节点 A、B 先收到…", [&] { … });
//   demo.check(cluster.chosen_values() == {"7"}, "the chosen value is 7", "选定的值是 7");
//   return demo.finish(cluster.world(), cluster.participants());
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "demos/support/catalogue.h"
#include "narration/line.h"
#include "sim/diagram.h"
#include "sim/narrator.h"
#include "sim/world.h"

namespace consensus_lab::demos {

struct DemoOptions {
  bool step = false;
  bool quiet = false;
  narration::Lang lang = narration::Lang::en;
  std::optional<std::string> diagram;  // Mermaid, Markdown file
  std::optional<std::string> msc;      // mscgen input
  std::uint64_t seed = 1;
  bool colour = false;
};

// Parses the options. --help prints the usage and exits 0; a bad option
// prints one line naming it and exits 2.
DemoOptions parse_demo_options(int argc, char** argv, const DemoInfo& info);

class Demo {
 public:
  // The demo numbered `number` in the catalogue.
  Demo(int argc, char** argv, std::string_view number);

  const DemoOptions& options() const { return options_; }
  narration::Lang lang() const { return options_.lang; }
  bool zh() const { return options_.lang == narration::Lang::zh; }

  // Start narrating `world`: every trace record becomes a line on stdout
  // (unless --quiet). Call once per world, before driving it.
  template <class Describer, class M, class E>
  void narrate(sim::World<M, E>& world, bool show_time = false) {
    auto narrator = std::make_shared<sim::Narrator<M, E, Describer>>(
        std::cout, typename sim::Narrator<M, E, Describer>::Options{options_.lang, options_.colour,
                                                                    show_time});
    flush_ = [narrator] { narrator->flush(); };
    if (!options_.quiet) {
      world.add_listener([narrator, muted = muted_](const auto& record) {
        if (!*muted) (*narrator)(record);
      });
    }
  }

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

  // Check the run was safe, write the diagrams, print the verdict, return the
  // exit status.
  template <class Describer, class M, class E>
  int finish(const sim::World<M, E>& world, const std::vector<NodeId>& participants) {
    if (flush_) flush_();
    if (const auto& violation = world.violation()) {
      check(false, "no invariant is violated (" + violation->invariant + ")",
            "没有违反不变式（" + violation->invariant + "）");
    }
    write_diagrams<Describer>(world, participants);
    return verdict();
  }

  // Print the verdict and return the exit status (a demo that drew its
  // diagrams itself).
  int verdict();

 private:
  void heading();
  void pause();
  void write_file(const std::optional<std::string>& path,
                  const std::function<void(std::ostream&)>& write);
  void print(const narration::Line& line, int indent = 0);

  DemoInfo info_;
  DemoOptions options_;
  std::function<void()> flush_;
  std::shared_ptr<bool> muted_ = std::make_shared<bool>(false);
  int step_number_ = 0;
  int failed_checks_ = 0;
  int passed_checks_ = 0;
  bool write_failed_ = false;
  bool in_checks_ = false;  // the last line printed was a check
};

}  // namespace consensus_lab::demos

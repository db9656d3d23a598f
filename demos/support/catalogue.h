// The numbered demos, one entry each (catalogue.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace consensus_lab::demos {

struct DemoInfo {
  std::string number;  // "01"
  std::string name;    // "basic_paxos_prepare"
  std::string title_en;
  std::string title_zh;
  // Where in the notes, as the English heading prints it ("Basic Paxos ›
  // 共识协商是二阶段提交 › 准备（Prepare）阶段; 小结 (promise 1)") and as the
  // Chinese one does, with no English left but the protocols' names.
  std::string notes_section;
  std::string notes_section_zh;
  // Whether --seed changes anything; only then does the demo offer it.
  bool uses_randomness = false;
  std::uint64_t seed = 1;  // the recorded run's seed: --seed's default
  // Whether the demo's run is one cluster's, drawn by --diagram and --msc;
  // only then does it offer them (demo 17 runs three and prints a table; its
  // --html writes a page for each).
  bool draws_diagrams = true;
};

// Every demo, in number order.
const std::vector<DemoInfo>& demo_catalogue();

// The demo numbered `number` ("07"); it must be in the catalogue.
const DemoInfo& demo_info(std::string_view number);

}  // namespace consensus_lab::demos

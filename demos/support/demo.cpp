#include "demos/support/demo.h"

#include <unistd.h>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace consensus_lab::demos {

namespace po = boost::program_options;

namespace {

std::string program_name(const DemoInfo& info) {
  return info.number + "_" + info.name;
}

[[noreturn]] void usage_error(const DemoInfo& info, const std::string& message) {
  std::cerr << program_name(info) << ": error: " << message << " (see --help)\n";
  std::exit(2);
}

}  // namespace

DemoOptions parse_demo_options(int argc, char** argv, const DemoInfo& info) {
  DemoOptions options;
  std::string lang = "en";
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help and exit")
      ("step", "wait for Enter between steps (reads standard input)")
      ("lang", po::value<std::string>(&lang)->value_name("en|zh")->default_value("en"),
               "narrate in English or in the notes' Chinese")
      ("diagram", po::value<std::string>()->value_name("FILE.md"),
                  "write a Mermaid sequence diagram of the run")
      ("msc", po::value<std::string>()->value_name("FILE.msc"),
              "write the run as input for mscgen (mscgen -T png -i FILE.msc)")
      ("seed", po::value<std::uint64_t>(&options.seed)->value_name("N")->default_value(1),
               info.uses_randomness ? "seed for every random choice of the run"
                                    : "seed (this demo makes no random choice)")
      ("quiet,q", "print only the checks and the verdict");
  // clang-format on
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(described).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    usage_error(info, error.what());
  }
  if (values.count("help")) {
    std::cout << "Demo " << info.number << " — " << info.title_en << "\n"
              << "       " << info.title_zh << "\n"
              << "Reproduces the course notes: " << info.notes_section << "\n\n"
              << "Usage: " << program_name(info) << " [options]\n\n"
              << described << "\n"
              << "Exit status: 0 when the run ends as the notes say, 1 when it does not,\n"
              << "2 for a bad option.\n";
    std::exit(0);
  }
  if (lang == "zh") {
    options.lang = sim::Lang::zh;
  } else if (lang != "en") {
    usage_error(info, "--lang must be en or zh, not '" + lang + "'");
  }
  options.step = values.count("step") != 0;
  options.quiet = values.count("quiet") != 0;
  if (values.count("diagram")) options.diagram = values["diagram"].as<std::string>();
  if (values.count("msc")) options.msc = values["msc"].as<std::string>();
  options.colour = sim::colour_wanted(stdout);
  return options;
}

Demo::Demo(int argc, char** argv, std::string_view number)
    : info_(demo_info(number)), options_(parse_demo_options(argc, argv, info_)) {
  heading();
}

void Demo::print(const sim::Line& line, int indent) {
  if (flush_) flush_();
  std::cout << std::string(static_cast<std::size_t>(indent), ' ')
            << sim::paint(line.text, line.tone, options_.colour) << '\n';
}

void Demo::heading() {
  if (options_.quiet) return;
  const std::string title =
      "Demo " + info_.number + " — " + (zh() ? info_.title_zh : info_.title_en);
  std::cout << sim::bold(title, options_.colour) << '\n'
            << (zh() ? "笔记：" : "Notes: ") << info_.notes_section << '\n';
}

void Demo::part(const std::string& en, const std::string& zh_text) {
  in_checks_ = false;
  if (options_.quiet) return;
  if (flush_) flush_();
  std::cout << '\n' << sim::bold("== " + (zh() ? zh_text : en) + " ==", options_.colour) << '\n';
}

void Demo::step(const std::string& en, const std::string& zh_text,
                const std::function<void()>& action) {
  ++step_number_;
  in_checks_ = false;
  if (!options_.quiet) {
    if (flush_) flush_();
    const std::string label = zh() ? "第 " + std::to_string(step_number_) + " 步：" + zh_text
                                   : "Step " + std::to_string(step_number_) + ": " + en;
    std::cout << '\n' << sim::bold(label, options_.colour) << '\n';
  }
  action();
  if (flush_) flush_();
  if (options_.step) pause();
}

void Demo::say(const std::string& en, const std::string& zh_text) {
  if (options_.quiet) return;
  print({zh() ? zh_text : en, sim::Tone::plain});
}

void Demo::pause() {
  std::cout << sim::paint(zh() ? "（按回车继续）" : "(press Enter for the next step)",
                          sim::Tone::quiet, options_.colour)
            << std::flush;
  std::string ignored;
  std::getline(std::cin, ignored);  // end of input also continues
  // A terminal echoes the Enter; piped input does not, so end the line here.
  if (::isatty(STDIN_FILENO) == 0) std::cout << '\n';
}

void Demo::check(bool holds, const std::string& en, const std::string& zh_text) {
  holds ? ++passed_checks_ : ++failed_checks_;
  if (options_.quiet && holds) return;
  if (!in_checks_ && !options_.quiet) {
    std::cout << '\n' << sim::bold(zh() ? "检查：" : "Checks:", options_.colour) << '\n';
  }
  in_checks_ = true;
  const std::string text = zh() ? zh_text : en;
  print(holds ? sim::Line{"ok   " + text, sim::Tone::good}
              : sim::Line{"FAIL " + text, sim::Tone::bad},
        2);
}

void Demo::write_file(const std::optional<std::string>& path,
                      const std::function<void(std::ostream&)>& write) {
  if (!path) return;
  std::ofstream out(*path);
  if (out) write(out);
  if (!out) {
    std::cerr << program_name(info_) << ": error: cannot write " << *path << '\n';
    write_failed_ = true;
  }
}

int Demo::verdict() {
  const int total = passed_checks_ + failed_checks_;
  if (!options_.quiet) std::cout << '\n';
  if (failed_checks_ == 0) {
    print({zh() ? "全部 " + std::to_string(total) + " 项检查通过：结果与笔记一致。"
                : "All " + std::to_string(total) + " checks hold: the run ends as the notes say.",
           sim::Tone::good});
  } else {
    print({zh() ? std::to_string(failed_checks_) + " 项检查未通过：结果与笔记不一致。"
                : std::to_string(failed_checks_) + " of " + std::to_string(total) +
                      " checks failed: the run does not end as the notes say.",
           sim::Tone::bad});
  }
  if (write_failed_) return 2;
  return failed_checks_ == 0 ? 0 : 1;
}

}  // namespace consensus_lab::demos

#include "net/node_log.h"

#include <chrono>
#include <ctime>
#include <iomanip>

namespace consensus_lab::net {

void NodeLog::say(const std::string& text, narration::Tone tone) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::time_t seconds = ms / 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  out_ << std::put_time(&local, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << ms % 1000
       << std::setfill(' ') << ' '
       << narration::paint("[" + node_ + "] ", narration::Tone::quiet, colour_)
       << narration::paint(text, tone, colour_) << '\n'
       << std::flush;
}

}  // namespace consensus_lab::net

#include "tools/bench/cpu.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace consensus_lab::bench {

std::optional<double> cpu_seconds(const std::vector<pid_t>& processes) {
  const long ticks = sysconf(_SC_CLK_TCK);
  if (ticks <= 0 || processes.empty()) return std::nullopt;
  double total = 0;
  for (const pid_t pid : processes) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(file, stat)) return std::nullopt;
    // "PID (COMMAND) STATE …": the command may hold spaces; count from its ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long user = 0, system = 0;
    // After the command: state (3), then fields 4…13, utime (14) and stime (15).
    for (int i = 3; i <= 13 && fields >> field; ++i) {
    }
    if (!(fields >> user >> system)) return std::nullopt;
    total += static_cast<double>(user + system) / static_cast<double>(ticks);
  }
  return total;
}

}  // namespace consensus_lab::bench

// Seeds run on several threads and handed out in seed order, so that a
// search on N threads reports exactly what it reports on one: the same
// seeds, the same counts, the same counterexample. Each seed is a run of its
// own (its own world, cluster and random numbers: run_seed shares nothing),
// which is what makes running them side by side safe. The threads run a few
// seeds past the one taken last: a seed after the one where a search stops
// is run and thrown away (it must end, as every seed does).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "tools/check/checker.h"

namespace consensus_lab::check {

class SeedPool {
 public:
  // Seeds first..last (first <= last). With one job no thread is started:
  // take() runs the seed itself.
  SeedPool(const Options& options, std::uint64_t first, std::uint64_t last, unsigned jobs);
  // Stops the threads; the seeds they ran ahead are dropped.
  ~SeedPool();
  SeedPool(const SeedPool&) = delete;
  SeedPool& operator=(const SeedPool&) = delete;

  // The run of the next seed in order (first, first + 1, …, last): waits for
  // it. What run_seed threw on a thread is thrown here.
  Run take();

 private:
  void work();
  void stop();  // the threads end after their seed; joined

  const Options& options_;
  const std::uint64_t first_, count_;      // seeds first_ … first_ + count_ - 1
  const std::size_t ahead_;                // seeds a thread may start past the next one taken
  std::uint64_t started_ = 0, taken_ = 0;  // how many of them
  std::map<std::uint64_t, std::variant<Run, std::exception_ptr>> done_;  // by seed
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> threads_;
};

// At most this many threads (`--jobs`).
inline constexpr unsigned kMaxJobs = 256;
// The threads `conlab check` uses unless told: one per core, at most kMaxJobs.
unsigned default_jobs();

}  // namespace consensus_lab::check

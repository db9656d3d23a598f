#include "tools/check/seed_pool.h"

#include <algorithm>
#include <cassert>

namespace consensus_lab::check {

SeedPool::SeedPool(const Options& options, std::uint64_t first, std::uint64_t last, unsigned jobs)
    : options_(options), first_(first), count_(last - first + 1), ahead_(4 * jobs) {
  assert(first <= last && jobs >= 1);
  if (jobs == 1) return;
  try {
    for (unsigned i = 0; i < jobs; ++i) threads_.emplace_back([this] { work(); });
  } catch (...) {  // no thread left behind (a limit on processes, say)
    stop();
    throw;
  }
}

SeedPool::~SeedPool() {
  stop();
}

void SeedPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

Run SeedPool::take() {
  assert(taken_ < count_);
  const std::uint64_t seed = first_ + taken_;
  if (threads_.empty()) {
    ++taken_;
    return run_seed(options_, seed);
  }
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return done_.count(seed) != 0; });
  auto result = std::move(done_.at(seed));
  done_.erase(seed);
  ++taken_;
  lock.unlock();
  changed_.notify_all();  // a thread waiting to run ahead may go on
  if (const auto* error = std::get_if<std::exception_ptr>(&result)) std::rethrow_exception(*error);
  return std::move(std::get<Run>(result));
}

// Start the next seed not yet started, while it is at most `ahead_` seeds
// past the next one to be taken (the runs waiting to be taken stay few).
void SeedPool::work() {
  for (;;) {
    std::uint64_t seed = 0;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock,
                    [&] { return stopping_ || started_ == count_ || started_ < taken_ + ahead_; });
      if (stopping_ || started_ == count_) return;
      seed = first_ + started_++;
    }
    std::variant<Run, std::exception_ptr> result;
    try {
      result = run_seed(options_, seed);
    } catch (...) {
      result = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      done_.emplace(seed, std::move(result));
    }
    changed_.notify_all();
  }
}

unsigned default_jobs() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : std::min(cores, kMaxJobs);
}

}  // namespace consensus_lab::check

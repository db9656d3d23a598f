// A real node's side of the live view (docs/viewer.md §5): `conlab view`
// says `watch`, and the node tells it, at each flush, what the batch did
// (net/live_report.h) — after the sync, so the view never shows a state the
// node could lose — and every half second that it still runs.
#include <algorithm>

#include "net/incoming_connection.h"
#include "net/node.h"
#include "net/protocol_runner.h"

namespace consensus_lab::net {

namespace {

// A card that changes with no event (a Multi-Paxos master's lease, renewed
// at each heartbeat) is told at most this often.
constexpr std::chrono::milliseconds kQuietCard{1000};
constexpr std::chrono::milliseconds kAlive{500};

}  // namespace

void Node::watch(const std::shared_ptr<IncomingConnection>& from) {
  const bool watching = std::any_of(watchers_.begin(), watchers_.end(),
                                    [&](const auto& w) { return w.lock() == from; });
  if (watching) return;  // asked twice: told once
  const bool first = watchers_.empty();
  runner_->watch();  // the card again
  from->push("hello " + options_.protocol + " " + options_.id);
  watchers_.push_back(from);
  card_told_ = {};
  schedule_flush();  // the card goes with the next flush, after the sync
  if (first) keep_telling();
}

void Node::tell_watchers() {
  std::erase_if(watchers_, [](const auto& w) {
    const auto watcher = w.lock();
    return !watcher || !watcher->is_open();
  });
  if (watchers_.empty()) {
    runner_->unwatch();  // nobody listens: the node stops writing it all down
    return report_.clear();
  }
  const auto now = Clock::now();
  if (!report_.empty() || now - card_told_ >= kQuietCard) {
    if (auto card = runner_->card_report()) {
      report_.push_back(std::move(*card));
      card_told_ = now;
    }
  }
  for (const auto& w : watchers_) {
    const auto watcher = w.lock();
    for (const std::string& line : report_) watcher->push(line);
  }
  report_.clear();
}

void Node::keep_telling() {
  alive_timer_.expires_after(kAlive);
  alive_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || watchers_.empty()) return;
    report_.push_back("alive");
    schedule_flush();  // what the batch holds leaves after its sync, as always
    keep_telling();
  });
}

}  // namespace consensus_lab::net

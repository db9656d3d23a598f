#include "tools/jepsen/clients.h"

#include <algorithm>
#include <thread>

#include "sim/rng.h"

namespace consensus_lab::tools::jepsen {

std::unique_ptr<net::Client> connect_client(const Cluster& cluster,
                                            const std::shared_ptr<net::Tls>& tls,
                                            const std::string& id) {
  // A short deadline: an operation caught in a fault soon gives up (a put
  // then stays pending) and the client goes on with the next one.
  return std::make_unique<net::Client>(net::ClientOptions{
      .cluster = cluster, .client_id = id, .deadline = 1500, .attempt = 500, .tls = tls});
}

void LeaderSeen::saw(const NodeId& id) {
  std::lock_guard lock(mutex_);
  last_ = id;
}

NodeId LeaderSeen::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

namespace {

Millis since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

struct Shared {
  const ClientsOptions& options;
  const std::atomic<bool>& stop;
  LeaderSeen& leader;
  std::atomic<std::uint64_t> ticks{1};
};

// One operation: a put of a value no other put writes, or a get.
Recorded perform(net::Client& client, sim::Rng& rng, std::size_t number, Shared& shared) {
  Recorded r;
  r.op.client = client.client_id();
  r.op.key = "k" + std::to_string(rng.between(1, shared.options.keys));
  r.op.kind = rng.chance(50) ? Operation::Kind::put : Operation::Kind::read;
  if (r.op.kind == Operation::Kind::put) r.op.value = r.op.client + "-" + std::to_string(number);
  r.op.call_ms = since(shared.options.start);
  r.op.call = shared.ticks++;
  const auto result =
      r.op.kind == Operation::Kind::put ? client.put(r.op.key, r.op.value) : client.get(r.op.key);
  const std::uint64_t ret = shared.ticks++;
  r.op.ret_ms = since(shared.options.start);
  r.answered = result.done;
  if (!result.done) return r;
  r.op.ret = ret;
  shared.leader.saw(result.served_by);
  if (result.reply.kind == net::Reply::Kind::value) r.op.result = result.reply.text;
  return r;
}

std::vector<Recorded> one_client(std::size_t index, Shared& shared) {
  const std::string id = "c" + std::to_string(index + 1);
  auto client = connect_client(shared.options.cluster, shared.options.tls, id);
  sim::Rng rng(shared.options.seed * 1000 + index);
  std::vector<Recorded> ops;
  while (!shared.stop) {
    ops.push_back(perform(*client, rng, ops.size() + 1, shared));
    std::this_thread::sleep_for(std::chrono::milliseconds(rng.between(5, 40)));
  }
  return ops;
}

}  // namespace

std::vector<Recorded> run_clients(const ClientsOptions& options, const std::atomic<bool>& stop,
                                  LeaderSeen& leader) {
  Shared shared{options, stop, leader};
  std::vector<std::vector<Recorded>> each(options.clients);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < options.clients; ++i) {
    threads.emplace_back([&, i] { each[i] = one_client(i, shared); });
  }
  for (auto& thread : threads) thread.join();
  std::vector<Recorded> all;
  for (auto& ops : each) all.insert(all.end(), ops.begin(), ops.end());
  std::sort(all.begin(), all.end(),
            [](const Recorded& a, const Recorded& b) { return a.op.call < b.op.call; });
  return all;
}

}  // namespace consensus_lab::tools::jepsen

#include "tools/bench/real.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "net/client.h"
#include "net/stream.h"
#include "net/wire.h"

namespace consensus_lab::bench {

namespace {

using Clock = std::chrono::steady_clock;
using namespace net;

// The keys the clients write (or read): k0 … k1023.
constexpr std::uint64_t kKeys = 1024;

// One closed-loop client on a shared io_context.
class LoopClient : public std::enable_shared_from_this<LoopClient> {
 public:
  LoopClient(asio::io_context& io, ssl::context* tls, std::string id, std::string value, bool reads,
             Clock::time_point end, std::uint64_t& budget, std::vector<std::uint32_t>& latencies,
             RealResult& result)
      : stream_(io, tls),
        id_(std::move(id)),
        value_(std::move(value)),
        reads_(reads),
        end_(end),
        budget_(budget),
        latencies_(latencies),
        result_(result) {}

  // `leader`: the node to load, `id` its id (over TLS it must show that
  // node's certificate).
  void start(const tcp::endpoint& leader, const NodeId& id) {
    auto self = shared_from_this();
    stream_.socket().async_connect(
        leader, [this, self, id](const boost::system::error_code& error) {
          if (error) {
            ++result_.failures;
            return;
          }
          stream_.socket().set_option(tcp::no_delay(true));
          stream_.async_handshake(Stream::Side::client, [this, self,
                                                         id](const boost::system::error_code& e) {
            if (e ||
                (stream_.secure() && stream_.certified() != Certified{Certified::Role::node, id})) {
              ++result_.failures;
              return;
            }
            out_ = "client\n";
            next();
          });
        });
  }

 private:
  void next() {
    if (Clock::now() >= end_ || budget_ == 0) return;
    --budget_;  // (all clients share one io_context thread)
    std::string key = "k" + std::to_string(++sequence_ % kKeys);
    out_ += encode(reads_ ? Request{GetRequest{std::move(key)}}
                          : Request{PutRequest{id_, sequence_, std::move(key), value_}}) +
            "\n";
    sent_ = Clock::now();
    auto self = shared_from_this();
    asio::async_write(
        stream_, asio::buffer(out_),
        [this, self](const boost::system::error_code& error, std::size_t) {
          out_.clear();
          if (error) {
            ++result_.failures;
            return;
          }
          asio::async_read_until(
              stream_, buffer_, '\n',
              [this, self](const boost::system::error_code& e, std::size_t n) {
                if (e) {
                  ++result_.failures;
                  return;
                }
                // `ok` for a put, `value V` for a get (every key was written).
                const char first = *asio::buffers_begin(buffer_.data());
                const bool ok = reads_ ? first == 'v' : n == 3 && first == 'o';
                buffer_.consume(n);
                if (!ok) {
                  ++result_.failures;
                  return;  // not the leader any more: this client stops
                }
                ++result_.operations;
                latencies_.push_back(static_cast<std::uint32_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_)
                        .count()));
                next();
              });
        });
  }

  Stream stream_;  // TLS unless the cluster runs --plaintext
  std::string id_, value_, out_;
  bool reads_;
  asio::streambuf buffer_;
  Clock::time_point end_, sent_;
  std::uint64_t sequence_ = 0;
  std::uint64_t& budget_;  // operations left to send, shared by all clients
  std::vector<std::uint32_t>& latencies_;
  RealResult& result_;
};

double percentile(std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

}  // namespace

RealResult run_real(const RealOptions& options) {
  RealResult result;
  // Find the leader: a get answered is answered by the leader.
  Client finder({.cluster = options.cluster,
                 .client_id = "bench-finder",
                 .deadline = 10'000,
                 .attempt = 1'000,
                 .tls = options.tls});
  const auto probe = finder.get("bench");
  if (!probe.done) {
    result.error = probe.error;
    return result;
  }
  const Endpoint& where = options.cluster.at(probe.served_by);
  asio::io_context io(1);
  const tcp::endpoint leader(
      asio::ip::make_address_v4(where.host == "localhost" ? "127.0.0.1" : where.host), where.port);
  std::mt19937 random(1);
  std::string value(options.size, 'a');
  for (char& c : value) c = static_cast<char>('a' + random() % 26);
  std::vector<std::uint32_t> latencies;
  latencies.reserve(1 << 20);
  if (options.reads) {  // every key holds a value before the reads start
    for (std::uint64_t k = 0; k < kKeys; ++k) {
      const auto put = finder.put("k" + std::to_string(k), value);
      if (!put.done) {
        result.error = put.error;
        return result;
      }
    }
  }
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options.seconds));
  std::random_device device;
  const std::string run = std::to_string(device());
  std::uint64_t budget = options.count > 0 ? options.count : UINT64_MAX;
  for (std::size_t i = 0; i < options.clients; ++i) {
    std::make_shared<LoopClient>(io, options.tls ? &options.tls->client() : nullptr,
                                 "bench-" + run + "-" + std::to_string(i), value, options.reads,
                                 end, budget, latencies, result)
        ->start(leader, probe.served_by);
  }
  io.run();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  result.p50_us = percentile(latencies, 0.50);
  result.p90_us = percentile(latencies, 0.90);
  result.p99_us = percentile(latencies, 0.99);
  return result;
}

}  // namespace consensus_lab::bench

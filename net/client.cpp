#include "net/client.h"

#include <chrono>
#include <random>
#include <thread>

#include "net/client_connection.h"

namespace consensus_lab::net {

using Clock = std::chrono::steady_clock;

Client::Client(ClientOptions options) : options_(std::move(options)) {
  leader_ = options_.first;
  if (options_.client_id.empty()) {
    std::random_device device;
    const std::uint64_t n = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    char text[24];
    std::snprintf(text, sizeof text, "c%016llx", static_cast<unsigned long long>(n));
    options_.client_id = text;
  }
}

Client::~Client() = default;

Client::Result Client::put(const std::string& key, const std::string& value) {
  return call(PutRequest{options_.client_id, ++sequence_, key, value});
}

Client::Result Client::get(const std::string& key) {
  return call(GetRequest{key});
}

Client::Result Client::call(const Request& request) {
  const std::string line = encode(request) + "\n";
  const auto deadline = Clock::now() + std::chrono::milliseconds(options_.deadline);
  std::vector<NodeId> nodes;
  for (const auto& [id, endpoint] : options_.cluster) nodes.push_back(id);
  std::size_t next = 0;
  std::optional<NodeId> target = leader_;
  Result result;
  std::optional<narration::Text> failure;  // the last TLS failure, if any
  while (Clock::now() < deadline) {
    const NodeId node = target ? *target : nodes[next++ % nodes.size()];
    target.reset();
    if (!connection_ || connection_->node() != node) {
      connection_ = std::make_unique<ClientConnection>(
          node, options_.cluster.at(node), options_.tls ? &options_.tls->client() : nullptr);
    }
    ++result.attempts;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    const auto reply =
        connection_->exchange(line, std::max<Millis>(1, std::min<Millis>(options_.attempt, left)));
    if (!reply) {
      if (connection_->failure()) failure = connection_->failure();
      leader_.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    switch (reply->kind) {
      case Reply::Kind::ok:
      case Reply::Kind::value:
      case Reply::Kind::none:
        leader_ = node;
        result.done = true;
        result.reply = *reply;
        result.served_by = node;
        return result;
      case Reply::Kind::redirect:
        leader_.reset();
        if (options_.cluster.count(reply->text) != 0) {
          target = reply->text;
        } else {  // a node this client was not told of: ask the others, after a pause
          std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
        break;
      case Reply::Kind::retry:
        leader_.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        break;
      case Reply::Kind::error:
        result.error = refused(node, reply->text);
        return result;
    }
  }
  result.error = no_answer(options_.deadline, result.attempts);
  if (failure) {
    result.error.en += "; the last TLS failure: " + failure->en;
    result.error.zh += "；最后一次 TLS 失败：" + failure->zh;
  }
  return result;
}

narration::Text no_answer(Millis deadline, int attempts) {
  const std::string ms = std::to_string(deadline), tries = std::to_string(attempts);
  return {"no answer from the cluster within " + ms + " ms (" + tries + " attempts)",
          "集群在 " + ms + " 毫秒内没有回答（尝试了 " + tries + " 次）"};
}

narration::Text refused(const NodeId& node, const std::string& reason) {
  return {"node " + node + " refused the request: " + reason,
          "节点 " + node + " 拒绝了这个请求：" + reason};
}

}  // namespace consensus_lab::net

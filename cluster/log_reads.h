// Reads ordered through the log — the simple way that is always right: the
// read goes into the log like a write, and its answer is the state machine's
// value when a node applies it. Each read has a request number; the cluster
// keeps the first answer to each.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/command.h"

namespace consensus_lab::cluster {

class LogReads {
 public:
  // Puts a read of `key` into the log with `submit` (false: the node does not
  // lead, and the number is not used). Returns the request's number.
  template <class Submit>
  std::optional<std::uint64_t> order(const std::string& key, Submit submit) {
    const std::uint64_t request = issued_ + 1;
    if (!submit(Command::read(key, kReader, request))) return std::nullopt;
    issued_ = request;
    return request;
  }

  // A node applied `command`; if it is one of these reads, `value` answers it.
  void applied(const Command& command, const std::optional<std::string>& value) {
    if (command.kind == Command::Kind::read && command.client == kReader) {
      answers_.try_emplace(command.sequence, value);
    }
  }

  // The answer to `request` once a node applied it (the outer optional): the
  // value, or none if the key was not set.
  std::optional<std::optional<std::string>> answer(std::uint64_t request) const {
    const auto it = answers_.find(request);
    if (it == answers_.end()) return std::nullopt;
    return it->second;
  }

 private:
  static constexpr const char* kReader = "reader";
  std::uint64_t issued_ = 0;
  std::map<std::uint64_t, std::optional<std::string>> answers_;
};

}  // namespace consensus_lab::cluster

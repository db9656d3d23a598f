#include "raft/configuration.h"

#include <algorithm>

namespace consensus_lab::raft {

namespace {

bool contains(const std::vector<NodeId>& ids, const NodeId& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

void erase(std::vector<NodeId>& ids, const NodeId& id) {
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

}  // namespace

bool is_voter(const Configuration& configuration, const NodeId& id) {
  return contains(configuration.voters, id);
}

bool is_learner(const Configuration& configuration, const NodeId& id) {
  return contains(configuration.learners, id);
}

bool is_member(const Configuration& configuration, const NodeId& id) {
  return is_voter(configuration, id) || is_learner(configuration, id);
}

bool is_configuration_change(const Command& command) {
  return command.kind == Command::Kind::add_learner || command.kind == Command::Kind::add_replica ||
         command.kind == Command::Kind::remove_replica;
}

Configuration apply_change(Configuration configuration, const Command& change) {
  const NodeId& id = change.key;
  switch (change.kind) {
    case Command::Kind::add_learner:
      if (!is_member(configuration, id)) configuration.learners.push_back(id);
      break;
    case Command::Kind::add_replica:
      erase(configuration.learners, id);
      if (!is_voter(configuration, id)) configuration.voters.push_back(id);
      break;
    case Command::Kind::remove_replica:
      erase(configuration.learners, id);
      erase(configuration.voters, id);
      break;
    default:
      break;  // not a configuration change
  }
  return configuration;
}

LogConfiguration with_change(LogConfiguration log_configuration, LogIndex index,
                             const Command& change) {
  log_configuration.configuration =
      apply_change(std::move(log_configuration.configuration), change);
  log_configuration.index = index;
  erase(log_configuration.removed, change.key);
  if (change.kind == Command::Kind::remove_replica) log_configuration.removed.push_back(change.key);
  return log_configuration;
}

LogConfiguration configuration_of(const Configuration& base, LogIndex base_index, const Log& log) {
  LogConfiguration result{base, base_index, {}};
  for (LogIndex i = base_index.next(); i <= log.last_index(); i = i.next()) {
    const Command& command = log.entry(i).command;
    if (is_configuration_change(command)) result = with_change(std::move(result), i, command);
  }
  return result;
}

}  // namespace consensus_lab::raft

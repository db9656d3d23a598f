#include "narration/raft_snapshots.h"

#include <string>

namespace consensus_lab::narration {

namespace event = raft::event;

std::string position(raft::LogIndex index, raft::Term term) {
  return "(" + raft::to_string(index) + ", " + raft::to_string(term) + ")";
}

Line describe_snapshot(const NodeId& node, const event::SnapshotTaken& t, Lang lang) {
  const std::string at = position(t.index, t.term), n = std::to_string(t.discarded);
  return {lang == Lang::zh
              ? node + " 生成快照，到日志项 " + at + " 为止，丢弃 " + n + " 个已应用的日志项"
              : node + " takes a snapshot up to " + at + " and discards " + n + " applied entr" +
                    (t.discarded == 1 ? "y" : "ies"),
          Tone::good};
}

Line describe_snapshot(const NodeId& node, const event::SnapshotChunk& c, Lang lang) {
  const std::string offset = std::to_string(c.offset), bytes = std::to_string(c.bytes),
                    expected = std::to_string(c.expected);
  if (c.offset != c.expected) {
    return {lang == Lang::zh
                ? node + " 不接收偏移量 " + offset + " 处的快照数据块：它期待偏移量 " + expected
                : node + " does not take the snapshot chunk at offset " + offset +
                      ": it expects offset " + expected,
            Tone::warn};
  }
  return {lang == Lang::zh
              ? node + " 收下偏移量 " + offset + " 处的 " + bytes + " 字节快照数据"
              : node + " takes " + bytes + " bytes of the snapshot at offset " + offset,
          Tone::quiet};
}

Line describe_snapshot(const NodeId& node, const event::SnapshotInstalled& i, Lang lang) {
  const std::string at = position(i.index, i.term);
  if (lang == Lang::zh) {
    return {node + " 安装快照 " + at + "，用快照重置状态机" +
                (i.kept_suffix ? "，保留其后的日志项" : "，丢弃整个日志"),
            Tone::good};
  }
  return {node + " installs the snapshot up to " + at + " and resets its state machine from it" +
              (i.kept_suffix ? "; the entries after it stay" : "; its log is discarded"),
          Tone::good};
}

}  // namespace consensus_lab::narration

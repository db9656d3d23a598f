// Why a node cannot use its data directory (net/storage.h): the reason in
// English as it always was, and in the notes' Chinese for a node started
// with --lang zh ("无法启动：…").
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "net/storage.h"

using namespace consensus_lab;
namespace fs = std::filesystem;

namespace {

const net::Identity kNodeA{"raft", "A", {"A", "B", "C"}};

// The reason opening `directory` as `identity` is refused; empty when it opens.
narration::Text refusal(const fs::path& directory, const net::Identity& identity = kNodeA) {
  try {
    net::Store store(directory.string(), identity);
  } catch (const net::StorageError& error) {
    CHECK(error.reason().en == error.what());
    return error.reason();
  }
  return {};
}

}  // namespace

TEST_CASE("real mode: a data directory's refusal, in English and in the notes' Chinese") {
  const fs::path folder =
      fs::temp_directory_path() / ("consensus_lab_storage_" + std::to_string(getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder / "foreign");
  std::ofstream(folder / "foreign" / "notes.txt") << "not ours\n";
  std::ofstream(folder / "file") << "not a directory\n";
  std::optional<net::Store> held(std::in_place, (folder / "a").string(), kNodeA);

  const std::string a = (folder / "a").string(), db = (folder / "a" / "state.db").string();
  CHECK(refusal(folder / "a") ==
        narration::Text{a + " is in use by another node process (" + a + "/lock is locked)",
                        a + " 正被另一个节点进程使用（" + a + "/lock 已被锁住）"});
  held.reset();
  CHECK(refusal(folder / "a", {"raft", "B", {"A", "B", "C"}}) ==
        narration::Text{db + " belongs to raft node A of cluster A,B,C, not to raft node B of "
                             "cluster A,B,C",
                        db + " 属于集群 A,B,C 的 raft 节点 A，而不属于集群 A,B,C 的 raft 节点 B"});

  for (const fs::path& directory : {folder / "foreign", folder / "file"}) {
    CAPTURE(directory);
    const auto why = refusal(directory);
    CHECK(!why.en.empty());
    CHECK(!why.zh.empty());
    CHECK(why.zh != why.en);
  }
  fs::remove_all(folder);
}

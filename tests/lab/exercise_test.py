#!/usr/bin/env python3
# The classroom lab's own test (docs/lab.md): a wrong answer must fail the
# grade, with a message that helps; the reference must pass; `start` then
# `reset` must give back every file byte for byte; every skeleton compiles.
#
#   exercise_test.py --work DIR
#
# The working tree is copied into DIR/tree (kept between runs and brought up
# to date file by file, so that its build in DIR/tree/build is incremental;
# ccache, if there, is told to ignore the folder's path). Each wrong answer is
# one text replacement in the reference code, graded there, then undone.
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(SOURCE / "tools" / "lab"))
from exercises import EXERCISES  # noqa: E402

# (exercise, what the student got wrong, file, the reference text, the wrong
# text, a line the grade must print to help, the language graded in: in
# Chinese the lines conlab prints under a ✗ must be Chinese too).
WRONG_ANSWERS = [
    ("promise1", "promise 1 with < instead of <= (the notes' 小于等于)", "paxos/acceptor.cpp",
     "prepare.number <= *state_.promised", "prepare.number < *state_.promised",
     "an equal number is ignored too", "en"),
    ("vote-restriction", "the vote restriction comparing only the last index",
     "raft/election.cpp",
     "  if (m.last_log_term != last_log_term()) return m.last_log_term > last_log_term();\n", "",
     "Raft 5.4.1: a voter refuses a candidate whose log is less up to date", "en"),
    ("commit-current-term", "committing an entry of any term by counting", "raft/leader.cpp",
     "hard_.log.term_at(n) != hard_.current_term) return;", "false) return;",
     "figure8_rule_on.txt", "en"),
    ("lease-read", "a master reading locally whether its lease holds or not",
     "multipaxos/lease.cpp", "now < master_->lease_until;", "now >= 0;",
     "违反不变式：最多一个主节点持有租约", "zh"),
]

failures = []


def expect(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def tracked_files(root):
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [name for name in listed if name and (root / name).is_file()]


def sync(source, tree):
    """tree := the working tree; a file is written only if its bytes differ."""
    wanted = set(tracked_files(source))
    for name in wanted:
        target = tree / name
        data = (source / name).read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            shutil.copymode(source / name, target)
    for path in tree.rglob("*"):
        name = path.relative_to(tree).as_posix()
        if path.is_file() and not name.startswith(("build/", ".lab/")) and name not in wanted:
            path.unlink()
    # An exercise started in the working tree: its reference comes along, and
    # the copy is reset to it.
    shutil.rmtree(tree / ".lab", ignore_errors=True)
    if (source / ".lab" / "reference").is_dir():
        shutil.copytree(source / ".lab" / "reference", tree / ".lab" / "reference")
        for item in EXERCISES:
            if (tree / ".lab" / "reference" / item.name).is_dir():
                exercise(tree, "reset", item.name)


def exercise(tree, *args):
    result = subprocess.run([sys.executable, str(tree / "tools/lab/exercise.py"), *args],
                            cwd=tree, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def files_of(tree, names):
    return {block.file: (tree / block.file).read_bytes()
            for item in EXERCISES if item.name in names for block in item.blocks}


def start_and_reset(tree):
    names = [item.name for item in EXERCISES]
    before = files_of(tree, names)
    for name in names:
        status, output = exercise(tree, "start", name)
        expect(status == 0, f"start {name}")
    after = files_of(tree, names)
    expect(all(b"TODO(" in after[file] and after[file] != before[file] for file in after),
           "start puts a TODO in every file of every exercise")
    status, output = exercise(tree, "grade", "promise1")
    expect("✓ build" in output, "every exercise started at once: the skeletons compile")
    expect(status == 1, "the skeletons fail the grade")
    for name in names:
        status, output = exercise(tree, "reset", name)
        expect(status == 0, f"reset {name}")
    expect(files_of(tree, names) == before, "start then reset gives back every file byte for byte")


def wrong_answer(tree, name, what, file, right, wrong, helpful, lang):
    path = tree / file
    reference = path.read_bytes()
    text = reference.decode()
    if text.count(right) != 1:
        expect(False, f"{name}: the reference text to break is in {file} once")
        return
    path.write_text(text.replace(right, wrong), encoding="utf-8")
    began = time.monotonic()
    status, output = exercise(tree, "grade", name, "--lang", lang)
    path.write_bytes(reference)
    print(f"     ({name} graded in {time.monotonic() - began:.0f} s)")
    expect(status == 1 and "✗" in output, f"{name}, {what}: the grade fails")
    expect(helpful in output, f"{name}, {what}: the grade says '{helpful}'")
    if status != 1 or helpful not in output:
        print(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True)
    work = parser.parse_args().work.resolve()
    tree = work / "tree"
    tree.mkdir(parents=True, exist_ok=True)
    sync(SOURCE, tree)
    os.environ.update(CCACHE_BASEDIR=str(tree), CCACHE_NOHASHDIR="1")

    began = time.monotonic()
    status, output = exercise(tree, "grade", "promise1")
    print(f"     (build and grade of promise1 in {time.monotonic() - began:.0f} s)")
    expect(status == 0, "the reference passes the grade of promise1")
    if status != 0:
        print(output)
    status, output = exercise(tree, "verify")
    expect(status == 0, "the exercise table names blocks, files and tests that exist\n" + output)
    start_and_reset(tree)
    for answer in WRONG_ANSWERS:
        wrong_answer(tree, *answer)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

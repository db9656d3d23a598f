#!/usr/bin/env python3
# `./lab exercise …`: the classroom lab (docs/lab.md).
#
#   list                 the exercises: name, rule, the notes' section
#   start NAME           hide the reference code of a rule behind a TODO
#   grade NAME           build, then grade the rule's tests, scenarios and checker seeds
#   reset NAME           bring the reference code back
#   verify               check the table itself: every block, test name and file exists
#
# Options: --lang en|zh (the notes' Chinese); for grade, --build-dir DIR
# (default build/, the tree's usual build). The exercises are the table in
# exercises.py.
import argparse
import signal
import sys
import time
from pathlib import Path

import blocks
import grade as grading
from exercises import EXERCISES
from text import pick, say

ROOT = Path(__file__).resolve().parents[2]


def _by_name(name, lang):
    for exercise in EXERCISES:
        if exercise.name == name:
            return exercise
    sys.exit("lab: error: " + say(lang, "unknown", name=name))


def list_exercises(lang):
    print(say(lang, "list_title"))
    width = max(len(exercise.name) for exercise in EXERCISES)
    for exercise in EXERCISES:
        mark = f"  [{say(lang, 'started')}]" if blocks.is_started(ROOT, exercise) else ""
        print(f"  {exercise.name:<{width}}  {pick(lang, exercise.rule)}"
              f"  {say(lang, 'notes', section=pick(lang, exercise.section))}{mark}")
    return 0


def start(exercise, lang):
    if blocks.is_started(ROOT, exercise):
        sys.exit("lab: error: " + say(lang, "already_started", name=exercise.name))
    blocks.start(ROOT, exercise)
    saved = Path(blocks.LAB_DIR) / "reference" / exercise.name
    print(say(lang, "start_done", name=exercise.name, saved=saved))
    for file in dict.fromkeys(block.file for block in exercise.blocks):
        print(f"  {file}")
    print(say(lang, "start_next", name=exercise.name))
    return 0


def reset(exercise, lang):
    if not blocks.is_started(ROOT, exercise):
        sys.exit("lab: error: " + say(lang, "not_started", name=exercise.name))
    blocks.reset(ROOT, exercise)
    files = ", ".join(dict.fromkeys(block.file for block in exercise.blocks))
    print(say(lang, "reset_done", name=exercise.name, files=files))
    return 0


def grade(exercise, lang, build_dir):
    print(say(lang, "grading", name=exercise.name, rule=pick(lang, exercise.rule)), flush=True)
    began = time.monotonic()
    results = []
    for result in grading.grade(ROOT, build_dir, exercise, lang):
        results.append(result)
        print(f"  {'✓' if result.passed else '✗'} {result.what}", flush=True)
        for line in result.detail:
            print(f"      {line}")
    passed = sum(result.passed for result in results)
    key = "result_pass" if passed == len(results) else "result_fail"
    print(say(lang, key, name=exercise.name, passed=passed, total=len(results)) +
          f" ({time.monotonic() - began:.0f} s)")
    return 0 if passed == len(results) else 1


def verify(build_dir):
    """The table's own test: every block found, every file there, names unique;
    and, once the tests are built, every test name pattern matches one."""
    problems = []
    names = [exercise.name for exercise in EXERCISES]
    problems += [f"exercise {name} twice" for name in set(names) if names.count(name) > 1]
    for exercise in EXERCISES:
        for block in exercise.blocks:
            try:
                blocks.find((ROOT / block.file).read_text(encoding="utf-8").splitlines(True),
                            block.title, block.file)
            except (OSError, blocks.BlockError) as error:
                problems.append(f"{exercise.name}: {error}")
        for file in exercise.scenarios:
            if not (ROOT / file).is_file():
                problems.append(f"{exercise.name}: no scenario file {file}")
        problems += [f"{exercise.name}: a comma splits the pattern '{pattern}' in two (write ?)"
                     for pattern in exercise.tests if "," in pattern]
        if not exercise.tests:
            problems.append(f"{exercise.name}: no unit tests named")
        if grading.test_binary(build_dir).exists():
            problems += [f"{exercise.name}: no test case is named '{pattern}'"
                         for pattern in exercise.tests
                         if grading.matching_tests(build_dir, pattern) == 0]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `./lab exercise list | head` ends quietly
    parser = argparse.ArgumentParser(prog="./lab exercise", description=__doc__)
    parser.add_argument("command", choices=["list", "start", "grade", "reset", "verify"])
    parser.add_argument("name", nargs="?")
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args()
    if args.command == "list":
        return list_exercises(args.lang)
    if args.command == "verify":
        return verify(args.build_dir.resolve())
    if not args.name:
        sys.exit("lab: error: " + say(args.lang, "needs_name", command=args.command))
    exercise = _by_name(args.name, args.lang)
    try:
        if args.command == "start":
            return start(exercise, args.lang)
        if args.command == "reset":
            return reset(exercise, args.lang)
        return grade(exercise, args.lang, args.build_dir.resolve())
    except blocks.BlockError as error:
        sys.exit(f"lab: error: {error}")


if __name__ == "__main__":
    sys.exit(main())

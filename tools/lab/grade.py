# `./lab exercise grade NAME`: build, then every check the exercise's row
# names — its unit tests, its scenario files, a batch of checker seeds — each
# graded ✓ or ✗, with what helps on a ✗: the compiler's error, the failing
# assertion, the scenario line, the checker's shrunk counterexample.
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import blocks
from text import say

SHOWN = 8  # lines of detail under a ✗


@dataclass
class Grade:
    passed: bool
    what: str
    detail: list[str] = field(default_factory=list)


def _run(command, cwd=None):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, errors="replace")
    return result.returncode, result.stdout + result.stderr


def _short(root, text):
    """Paths inside the tree, relative to it (doctest's start with ../../)."""
    return re.sub(r"(?<![\w/.])(\.\./)+(?=tests/)", "", text.replace(str(root) + "/", ""))


def _conlab(build_dir, args, lang, cwd=None):
    """conlab with its narration, verdicts and violations in `lang`."""
    return _run([str(build_dir / "tools" / "conlab"), *args, "--lang", lang], cwd=cwd)


def build(root, build_dir, lang):
    if not (build_dir / "CMakeCache.txt").exists():
        launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
        status, output = _run(["cmake", "-S", str(root), "-B", str(build_dir),
                               "-DCMAKE_BUILD_TYPE=RelWithDebInfo", *launcher])
        if status != 0:
            return Grade(False, say(lang, "build_failed"), output.splitlines()[-SHOWN:])
    jobs = str(os.cpu_count() or 2)
    status, output = _run(["cmake", "--build", str(build_dir), "-j", jobs,
                           "--target", "conlab", "consensus_lab_tests"])
    if status == 0:
        return Grade(True, say(lang, "build_ok"))
    lines = _short(root, output).splitlines()
    errors = [i for i, line in enumerate(lines) if "error:" in line]
    shown = [line for i in errors[:3] for line in lines[i:i + 3]] or lines[-SHOWN:]
    return Grade(False, say(lang, "build_failed"), shown[:SHOWN * 2])


def _first_failure(root, output):
    """The first failing test case: its name, subcase, assertion and values."""
    lines = _short(root, output).splitlines()
    shown = []
    for i, line in enumerate(lines):
        if line.startswith("TEST CASE:"):  # then its subcases, up to a blank line
            shown = [line.strip()]
            for subcase in lines[i + 1:i + 4]:
                if not subcase.strip():
                    break
                shown.append(subcase.strip())
        elif re.search(r": (ERROR|FATAL ERROR): ", line):
            shown.append(line.strip())
            shown += [s.strip() for s in lines[i + 1:i + 3] if s.strip().startswith(("values:",
                                                                                     "logged:"))]
            return shown
    return shown or lines[-SHOWN:]


def test_binary(build_dir):
    return build_dir / "tests" / "consensus_lab_tests"


def matching_tests(build_dir, pattern):
    """How many test cases a pattern names (the binary must be built)."""
    _, output = _run([str(test_binary(build_dir)), "--test-case=" + pattern,
                      "--list-test-cases", "--no-colors=true"])
    found = re.search(r"test cases passing the current filters: (\d+)", output)
    return int(found.group(1)) if found else 0


def unit_tests(root, build_dir, pattern, lang):
    binary = test_binary(build_dir)
    status, output = _run([str(binary), "--test-case=" + pattern, "--no-colors=true"])
    summary = re.search(r"test cases:\s*(\d+) \|\s*(\d+) passed \|\s*(\d+) failed", output)
    count, failed = (int(summary.group(1)), int(summary.group(3))) if summary else (0, 0)
    if count == 0:
        return Grade(False, say(lang, "tests_none", pattern=pattern))
    if status == 0:
        return Grade(True, say(lang, "tests_ok", pattern=pattern, count=count))
    return Grade(False, say(lang, "tests_failed", pattern=pattern, count=count, failed=failed),
                 _first_failure(root, output))


def scenario(root, build_dir, file, lang):
    """As cmake/RunScenario.cmake: the exit status and the lines the file expects.

    The file expects English lines, so it is run in English; on a ✗ the
    detail comes from a run in `lang`."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    expected = int((re.findall(r"^# expect-exit: (\d+)", text, re.M) or ["0"])[0])
    wanted = re.findall(r"^# expect-output: (.*)$", text, re.M)
    status, output = _conlab(build_dir, ["run", path.name], "en", cwd=path.parent)
    missing = [line for line in wanted if line not in output.splitlines()]
    if status == expected and not missing:
        return Grade(True, say(lang, "scenario_ok", file=file))
    if lang != "en":
        _, output = _conlab(build_dir, ["run", path.name], lang, cwd=path.parent)
    printed = output.splitlines()
    if status != expected:
        detail = [line for line in printed if line.startswith(path.name + ":")] or printed
        return Grade(False, say(lang, "scenario_failed", file=file, status=status,
                                expected=expected), detail[:SHOWN])
    return Grade(False, say(lang, "scenario_line", file=file), missing[:1] + printed[:SHOWN])


def checker(root, build_dir, exercise, lang):
    conlab = build_dir / "tools" / "conlab"
    out = blocks.lab_dir(root) / "grade" / f"{exercise.name}-counterexample.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    command = " ".join(["check"] + exercise.check)
    status, output = _conlab(build_dir, ["check", *exercise.check, "--out", str(out)], lang)
    if status == 0:
        return Grade(True, say(lang, "check_ok", command=command))
    lines = [line for line in _short(root, output).splitlines() if line.strip()]
    detail = lines[:SHOWN]
    if out.exists():
        relative = out.relative_to(root)
        detail.append(say(lang, "replay", path=relative, conlab=conlab.relative_to(root)
                          if conlab.is_relative_to(root) else conlab))
    return Grade(False, say(lang, "check_failed", command=command), detail)


def grade(root, build_dir, exercise, lang):
    """Every check of the exercise, in order; the first item is the build."""
    built = build(root, build_dir, lang)
    yield built
    if not built.passed:
        count = len(exercise.tests) + len(exercise.scenarios) + (1 if exercise.check else 0)
        for _ in range(count):
            yield Grade(False, say(lang, "not_run"))
        return
    for pattern in exercise.tests:
        yield unit_tests(root, build_dir, pattern, lang)
    for file in exercise.scenarios:
        yield scenario(root, build_dir, file, lang)
    if exercise.check:
        yield checker(root, build_dir, exercise, lang)

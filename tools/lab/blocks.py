# The marked blocks of the protocol code, and how `start` hides one and
# `reset` brings it back.
#
# A block starts at a line `// ---- TITLE ----…` and ends at the next line that
# is only `// ------…`; both marker lines stay in the file. `start` saves the
# lines in between under .lab/reference/EXERCISE/ inside the working tree
# (with the whole file next to them) and writes the skeleton in their place;
# `reset` puts the saved lines back between the markers. The saved copy, not
# git, is the reference: it survives the student's commits, branch switches
# and stashes, and it restores only the block, so the rest of the file —
# edits of the student's or a pull of the teacher's — stays as it is.
# .lab/ holds a .gitignore of `*`: git never sees it.
import json
import re
import shutil
import textwrap
from pathlib import Path

LAB_DIR = ".lab"
END = re.compile(r"^\s*// -{10,}\s*$")


class BlockError(Exception):
    pass


def _begin_pattern(title):
    return re.compile(r"^(\s*)// ---- " + re.escape(title) + r" -*\s*$")


def find(lines, title, path):
    """(first, last, indent): lines[first] is the begin marker, lines[last] the end marker."""
    begin = _begin_pattern(title)
    starts = [i for i, line in enumerate(lines) if begin.match(line)]
    if len(starts) != 1:
        what = "no" if not starts else f"{len(starts)}"
        raise BlockError(f"{path}: {what} block '// ---- {title} ----' (there must be one)")
    first = starts[0]
    for last in range(first + 1, len(lines)):
        if END.match(lines[last]):
            return first, last, begin.match(lines[first]).group(1)
        if begin.match(lines[last]) or lines[last].lstrip().startswith("// ---- "):
            break
    raise BlockError(f"{path}: the block '// ---- {title} ----' has no end line '// ------…'")


def skeleton_lines(skeleton, indent):
    body = textwrap.dedent(skeleton).strip("\n").split("\n")
    return [(indent + line).rstrip() + "\n" for line in body]


def lab_dir(root):
    """.lab/ inside the tree, which git ignores (its own .gitignore says so)."""
    lab = Path(root) / LAB_DIR
    lab.mkdir(exist_ok=True)
    (lab / ".gitignore").write_text("*\n", encoding="utf-8")
    return lab


def _reference_dir(root, exercise):
    return Path(root) / LAB_DIR / "reference" / exercise.name


def is_started(root, exercise):
    return (_reference_dir(root, exercise) / "blocks.json").exists()


def _read(root, path):
    return (Path(root) / path).read_text(encoding="utf-8").splitlines(keepends=True)


def _write(root, path, lines):
    (Path(root) / path).write_text("".join(lines), encoding="utf-8")


def start(root, exercise):
    """Replaces each block by its skeleton; the reference goes to .lab/reference/."""
    folder = _reference_dir(root, exercise)
    lab_dir(root)
    # Every block is found before anything is written: all or nothing.
    edits = []
    for block in exercise.blocks:
        lines = _read(root, block.file)
        edits.append((block, lines, find(lines, block.title, block.file)))
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for number, (block, lines, (first, last, _)) in enumerate(edits):
        original = lines[first + 1:last]
        saved.append({"file": block.file, "title": block.title, "lines": original})
        shutil.copyfile(Path(root) / block.file, folder / f"{number}-{Path(block.file).name}")
    for block in exercise.blocks:  # read again: two blocks may share a file
        lines = _read(root, block.file)
        first, last, indent = find(lines, block.title, block.file)
        lines[first + 1:last] = skeleton_lines(block.skeleton, indent)
        _write(root, block.file, lines)
    (folder / "blocks.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1),
                                        encoding="utf-8")


def reset(root, exercise):
    """Puts the saved reference back between the markers; the rest of each file stays."""
    folder = _reference_dir(root, exercise)
    saved = json.loads((folder / "blocks.json").read_text(encoding="utf-8"))
    for number, entry in enumerate(saved):
        lines = _read(root, entry["file"])
        try:
            first, last, _ = find(lines, entry["title"], entry["file"])
        except BlockError as error:
            copy = folder / f"{number}-{Path(entry['file']).name}"
            raise BlockError(f"{error}; the whole file as it was before `start` is in {copy}")
        lines[first + 1:last] = entry["lines"]
        _write(root, entry["file"], lines)
    shutil.rmtree(folder)

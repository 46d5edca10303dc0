"""Generate everything students receive from ``source/``: ``depthlab release``."""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from .paths import course_root

RELEASE_README = """# release/: the student notebooks (GENERATED, do not edit)

Generated from `source/` by `depthlab release` (nbgrader generate_assignment):
solutions are replaced by `raise NotImplementedError()` stubs and hidden tests
are removed. Hand these folders to students. A test fails when they are stale:
edit `source/`, then run `depthlab release`.
"""


def source_assignments(root: Optional[Path] = None) -> list[str]:
    root = root or course_root()
    return sorted(p.name for p in (root / "source").iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def generate_release(assignment: str, root: Path, out: Path) -> Path:
    """Run nbgrader generate_assignment in a scratch course; copy its release to ``out/assignment``."""
    from .engines.nbgrader_engine import NbgraderCourse
    course = NbgraderCourse(assignment, root)
    try:
        target = out / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course.root / "release" / assignment, target)
        return target
    finally:
        course.close()


def release(assignments: Iterable[str] | None = None, root: Optional[Path] = None) -> list[Path]:
    """Regenerate ``release/<a>/`` (and the otter material, where it exists) for each assignment."""
    root = root or course_root()
    names = list(assignments or source_assignments(root))
    (root / "release").mkdir(exist_ok=True)
    (root / "release" / "README.md").write_text(RELEASE_README)
    written = [generate_release(a, root, root / "release") for a in names]
    try:
        from .engines import otter_assign
    except ImportError:
        return written
    for a in names:
        written.extend(otter_assign.build(a, root))
    return written


def stale_files(assignment: str, root: Optional[Path] = None) -> list[str]:
    """Files under release/<a>/ that differ from a fresh generation (empty: up to date)."""
    root = root or course_root()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate_release(assignment, root, Path(tmp))
        committed = root / "release" / assignment
        if not committed.exists():
            return [str(committed)]
        cmp = filecmp.dircmp(fresh, committed)
        return _diffs(cmp, "")


def _diffs(cmp: filecmp.dircmp, prefix: str) -> list[str]:
    out = [prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for name, sub in cmp.subdirs.items():
        out += _diffs(sub, prefix + name + "/")
    return out

"""The result store: one JSON file per graded student, written atomically, with
the fingerprints that say whether a stored result still holds.

``<root>/.depthlab/results/<assignment>/<student>.json`` holds the student's
:class:`~depthlab.judge.results.NotebookResult` record, the SHA-256 of the
notebook graded, and the fingerprint of the grading code.  The report and the
feedback read results from here.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Optional

from ..judge.results import NotebookResult
from ..grading_files import wheel_files
from ..paths import course_root, source_notebook

STORE_VERSION = 1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``:
    a reader (or a killed run) sees the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def grading_fingerprint(assignment: str, root: Optional[Path] = None) -> str:
    """A hash of everything a grade depends on besides the notebook: the files the
    grading wheel carries (:func:`depthlab.grading_files.wheel_files`: the judge, the
    checks with their toolkit, fixtures and reference) and the source notebook."""
    h = hashlib.sha256()
    for name, data in sorted(wheel_files(assignment, root).items()):
        h.update(name.encode())
        h.update(data)
    src = source_notebook(assignment, root)
    h.update(src.read_bytes() if src.exists() else b"-")
    return h.hexdigest()[:20]


def file_sha(path: Optional[Path], fallback: str = "") -> str:
    if path is None:
        return "rejected:" + hashlib.sha256(fallback.encode()).hexdigest()[:16]
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ResultStore:
    """One JSON file per graded student: ``<root>/.depthlab/results/<a>/<student>.json``.

    Each file is written to a temporary name and renamed, so it is either the
    whole result or absent, whenever the run is killed.
    """

    def __init__(self, assignment: str, root: Path):
        self.assignment = assignment
        self.folder = Path(root) / ".depthlab" / "results" / assignment

    def path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def load(self, student: str) -> Optional[dict]:
        try:
            data = json.loads(self.path(student).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("version") == STORE_VERSION else None

    def save(self, entry: dict) -> Path:
        path = self.path(entry["student"])
        write_atomic(path, json.dumps(entry, indent=1, allow_nan=True).encode("utf-8"))
        return path

    def entries(self) -> list[dict]:
        out = []
        for p in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            entry = self.load(p.stem)
            if entry:
                out.append(entry)
        return out

    def results(self) -> list[NotebookResult]:
        return [NotebookResult.from_record(e["record"]) for e in self.entries()]


def load_results(assignment: str, root: Optional[Path] = None) -> list[NotebookResult]:
    """Every stored result of ``assignment``, sorted by student."""
    return ResultStore(assignment, Path(root or course_root())).results()

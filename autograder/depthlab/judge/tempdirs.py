"""The grader's folders in the temporary directory (one per kernel, one per fork
server), each marked with the process that made it, and the removal of those
whose process is gone.

A grading process removes its folders when it ends, but not when it is killed
(SIGKILL, the out-of-memory killer, a Dask worker stopped hard): on a machine
that grades a course all term, and perhaps other courses beside it, /tmp would
fill with them.  The first kernel a process makes sweeps the temporary
directory once: a folder goes when it belongs to this user, carries an owner
mark, and that owner (its pid *and* its start time, so a reused pid does not
count) no longer runs.  A folder without a mark (being made at this moment, or
left by an older depthlab) is left alone, and so is every other user's.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path
from typing import Optional

PREFIXES = ("depthlab-kernel-", "depthlab-forkserver-")
OWNER = "owner"

_swept = False
_lock = threading.Lock()


def _start_time(pid: int) -> Optional[str]:
    """When process ``pid`` started (field 22 of /proc/PID/stat), or None when it does not run."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def make(prefix: str, mode: int) -> Path:
    """A new folder ``<tmp>/<prefix>XXXX`` with ``mode``, marked as this process's."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(mode)
    mark = base / OWNER
    mark.write_text(f"{os.getpid()} {_start_time(os.getpid())}\n")
    mark.chmod(0o644)
    return base


def _orphaned(folder: Path) -> bool:
    try:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            return False
        pid, started = (folder / OWNER).read_text().split()
        return _start_time(int(pid)) != started
    except (OSError, ValueError):
        return False


def sweep(where: Optional[Path] = None) -> list:
    """Remove the folders of grading processes that no longer run; return them."""
    where = Path(where or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(where))
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(PREFIXES) and _orphaned(Path(entry.path)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def sweep_once() -> None:
    """:func:`sweep`, the first time a process asks."""
    global _swept
    with _lock:
        if _swept:
            return
        _swept = True
    sweep()

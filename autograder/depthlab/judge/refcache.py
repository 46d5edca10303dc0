"""The reference's outcomes, kept on disk between grading processes.

Preparing an assignment (:mod:`.prepare`) runs the reference on every case: 1.5 to
2.7 s of CPU for ps1, ps3 and ps4, in every worker of every run (a class run of
four assignments on two workers paid it eight times).  Those outcomes depend only
on the cases, the reference's code, the probe that encodes them and the versions
of Python and numpy, so they are kept in a file named by a hash of all of these;
any change to one of them names another file.

- **Data, not code**: the file holds the probe's JSON lines (never a pickle), read
  back through :func:`~.prepare.wire_outcomes` as if the reference had just run;
  a file that does not parse is ignored and written again.
- **Only this user's**: the folder (``$DEPTHLAB_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/depthlab``, else ``~/.cache/depthlab``; ``reference/`` in it)
  is made 0700; one owned by another user or writable by others is not used
  (another user could plant wrong answers).  Files are written whole (a temporary
  file, then a rename), so two workers preparing at once never read half a file.
- **Out of a student's reach** at the ``namespace`` and ``landlock`` levels: a
  kernel's file system, or its Landlock rules, give it only the Python it runs,
  system libraries and its scratch folder.  At ``none`` (documented as not
  isolated) it is as readable as the reference itself.
- ``DEPTHLAB_REFERENCE_CACHE=0`` turns it off; any error reading or writing it only
  means the reference runs, as it always did.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import sys
import tempfile
import types
from pathlib import Path
from typing import Optional

from .. import config

#: bump when the meaning of a cached line changes in a way the probe's source does not show
FORMAT = 1


def cache_dir() -> Optional[Path]:
    """The folder for reference outcomes, made if needed; None when off or unsafe."""
    if not config.switched_on("DEPTHLAB_REFERENCE_CACHE"):
        return None
    base = os.environ.get("DEPTHLAB_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = os.path.join(xdg, "depthlab") if xdg else os.path.join(os.path.expanduser("~"), ".cache", "depthlab")
    folder = Path(base) / "reference"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.stat(folder, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None
    return folder


def _code_digest(module: types.ModuleType) -> bytes:
    """The module's file and the code of every function it holds now (a function
    replaced in memory changes the key as its file would)."""
    h = hashlib.sha256()
    path = getattr(module, "__file__", None)
    if path:
        h.update(Path(path).read_bytes())
    for name, value in sorted(vars(module).items()):
        if isinstance(value, types.FunctionType):
            h.update(name.encode())
            h.update(marshal.dumps(value.__code__))
            h.update(repr(value.__defaults__).encode())
    return h.digest()


def key(assignment: str, reference: types.ModuleType, cases: list[tuple[str, str]], fixture_source: str,
        probe_source: str) -> str:
    """A name for the outcomes of ``reference`` on ``cases`` ((function, cases_json) per test)."""
    import numpy
    h = hashlib.sha256()
    for part in (f"format {FORMAT}", assignment, sys.version, numpy.__version__, fixture_source, probe_source,
                 json.dumps(cases)):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(_code_digest(reference))
    return f"{assignment}-{h.hexdigest()[:40]}.json"


def load(name: str) -> Optional[list]:
    """The lines stored under ``name`` (one list per test, in order), or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return None
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    if not isinstance(data, list) or not all(isinstance(t, list) and all(isinstance(x, dict) for x in t)
                                             for t in data):
        return None
    return data


def store(name: str, lines: list) -> None:
    """Keep ``lines`` under ``name`` (best effort: a failure is silent)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(lines, fh, allow_nan=True)
            os.replace(tmp, folder / name)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass

"""One grading run per course at a time.

``depthlab autograde`` and ``nbgrader autograde`` (through
:class:`depthlab.engines.nbgrader_engine.CourseLockExporter`, which the course's
``nbgrader_config.py`` installs) hold an exclusive lock on
``<course>/.depthlab/autograde.lock`` for their whole run.  A second run of
either kind refuses with a message naming the first (:class:`CourseBusy`), or,
asked to wait, queues behind it.

The lock is ``flock(2)``'s: the kernel drops it when the holder's file is
closed, so a holder killed with SIGKILL leaves no lock behind.  The file's
content (who holds it: pid, host, command, start time, assignment, a random
token) is only informative: it is trusted only while the lock is held.

A ``depthlab autograde`` grades in worker processes, which run nbgrader's
autograde themselves; while it holds the lock, the run puts
``DEPTHLAB_COURSE_LOCK=<pid>:<token>`` in its environment, and a process that
finds there the pid and token the lock file records, with that pid alive and
the lock held, grades under its parent's lock instead of waiting for it.  A
Dask worker (``--scheduler``) gets the same pair with its tasks; on another
machine the pid cannot be checked, and the token (random, handed only to that
run's workers) with the lock held is the proof.

Hand-written on ``fcntl.flock`` (standard library) rather than the ``filelock``
package: a refusal has to say who holds the lock and a worker has to check that
its parent holds it, which needs the open file itself; ``filelock`` would only
add its polling loop around the same ``flock`` call.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import secrets
import shlex
import socket
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

LOCK_NAME = "autograde.lock"
ENV = "DEPTHLAB_COURSE_LOCK"


def adopt_token(token: str) -> None:
    """Grade under a run's lock from another process it started (a Dask worker):
    nbgrader's autograde there then sees the lock as its parent's."""
    os.environ[ENV] = token or ""
#: seconds a run that finds the lock taken waits for its holder's record before reporting
SETTLE = 1.0
#: exit status of a refused run (sysexits' EX_TEMPFAIL: try again later)
EXIT_BUSY = 75


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a course's lock, as its lock file records it."""

    kind: str            # "depthlab autograde" or "nbgrader autograde"
    pid: int
    host: str
    command: str
    started: str         # ISO 8601, local time with its offset
    assignment: str = ""
    token: str = ""

    def describe(self) -> str:
        """``depthlab autograde (pid 1234, `depthlab autograde ps2`, started 21:40:05)``"""
        where = f" on {self.host}" if self.host != socket.gethostname() else ""
        return f"{self.kind} (pid {self.pid}{where}, `{self.command}`, started {_when(self.started)})"


def _when(iso: str) -> str:
    try:
        t = _dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return "at an unknown time"
    now = _dt.datetime.now(t.tzinfo)
    return t.strftime("%H:%M:%S") if t.date() == now.date() else t.strftime("%Y-%m-%d %H:%M:%S")


class CourseBusy(RuntimeError):
    """Another run holds the course's lock (the message says who, and what to do)."""

    def __init__(self, message: str, holder: Optional[Holder]):
        super().__init__(message)
        self.holder = holder


def lock_path(root: Path) -> Path:
    return Path(root) / ".depthlab" / LOCK_NAME


def _command() -> str:
    argv = list(sys.argv) or [""]
    head = f"python {argv[0]}".strip() if argv[0] in ("", "-", "-c") else shlex.quote(os.path.basename(argv[0]))
    text = " ".join([head, *map(shlex.quote, argv[1:])])
    return text if len(text) <= 100 else text[:97] + "..."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True      # another user's process
    return True


class CourseLock:
    """The autograde lock of the course at ``root``.

    kind: what the holder is, for other runs' messages ("depthlab autograde").
    wait_hint: how a refused user of this kind of run waits instead (ends the
    refusal message).
    """

    def __init__(self, root: Path, kind: str, assignment: str = "", *,
                 wait_hint: str = "pass --wait to queue behind it"):
        self.root = Path(root)
        self.path = lock_path(self.root)
        self.kind = kind
        self.assignment = assignment
        self.wait_hint = wait_hint
        self.token = ""
        self._fd: Optional[int] = None

    # ----------------------------------------------------------------- holding

    def acquire(self, wait: bool = False, on_wait: Optional[Callable[[str], None]] = None) -> "CourseLock":
        """Take the lock; if another run holds it, raise :class:`CourseBusy`, or
        with ``wait`` call ``on_wait`` once with a line saying whom it waits for,
        then block until that run ends."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this CourseLock")
        fd = self._open()
        settle = time.monotonic() + SETTLE
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = self._read_holder(fd)
                if holder is None and time.monotonic() < settle:
                    # a holder that has just taken the lock writes its record in a moment,
                    # and an observer (holder()) holds it for an instant: look again
                    time.sleep(0.05)
                    continue
                who = f"another {holder.describe()}" if holder else "another autograde run (it recorded no details)"
                if not wait:
                    raise CourseBusy(f"{who} is grading this course ({self.root}); wait for it to finish, "
                                     f"or {self.wait_hint}", holder)
                if on_wait:
                    on_wait(f"waiting for {who} to finish grading this course ({self.root}) ...")
                fcntl.flock(fd, fcntl.LOCK_EX)
                break
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self.token = secrets.token_hex(8)
        try:
            self._record(Holder(self.kind, os.getpid(), socket.gethostname(), _command(),
                                _dt.datetime.now().astimezone().isoformat(timespec="seconds"), self.assignment,
                                self.token))
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        """Give the lock up (the record is cleared first, so the next holder's stays)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        os.close(fd)     # closing the file drops the flock
        self.token = ""

    def __del__(self):
        if self._fd is not None:   # a forgotten lock is given up with its object, not when the process ends
            self.release()

    @contextlib.contextmanager
    def hold(self, wait: bool = False, on_wait: Optional[Callable[[str], None]] = None) -> Iterator["CourseLock"]:
        """Hold the lock for a ``with`` block, and tell this process's children
        (``ENV``) that it is held for them."""
        self.acquire(wait, on_wait)
        previous = os.environ.get(ENV)
        os.environ[ENV] = f"{os.getpid()}:{self.token}"
        try:
            yield self
        finally:
            if previous is None:
                os.environ.pop(ENV, None)
            else:
                os.environ[ENV] = previous
            self.release()

    # ----------------------------------------------------------------- reading

    def holder(self) -> Optional[Holder]:
        """Who holds the lock now, or None if nobody does (a record left by a
        killed holder is ignored)."""
        if self._fd is not None:
            return self._read_holder(self._fd)
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:   # an instant's shared lock tells whether anyone holds it
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                settle = time.monotonic() + SETTLE
                while (holder := self._read_holder(fd)) is None and time.monotonic() < settle:
                    time.sleep(0.05)
                return holder
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def held_by_parent(self) -> bool:
        """Whether ``ENV`` names a live process holding this lock, with the token
        it recorded: then this process grades under that process's lock."""
        pid, _, token = os.environ.get(ENV, "").partition(":")
        if not (pid.isdigit() and token):
            return False
        holder = self.holder()
        return (holder is not None and holder.pid == int(pid) and holder.token == token
                and (holder.host != socket.gethostname() or _alive(holder.pid)))

    # ----------------------------------------------------------------- the file

    def _open(self) -> int:
        folder = self.path.parent
        if not self.root.is_dir():
            raise FileNotFoundError(f"the course directory {self.root} does not exist")
        folder.mkdir(exist_ok=True)
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except PermissionError:
            # someone else's lock file we may not write: locking works on a read-only file too
            return os.open(self.path, os.O_RDONLY)

    def _record(self, holder: Holder) -> None:
        data = json.dumps(asdict(holder)).encode()
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)
            os.fsync(self._fd)
        except OSError as exc:
            if exc.errno not in (errno.EBADF, errno.EINVAL, errno.EACCES, errno.EPERM):
                raise   # a read-only lock file stays without a record; the lock still holds

    @staticmethod
    def _read_holder(fd: int) -> Optional[Holder]:
        """The record in the lock file, if it is there and its process alive."""
        try:
            size = os.fstat(fd).st_size
            data = json.loads(os.pread(fd, max(size, 1), 0) or b"null")
            holder = Holder(**data) if isinstance(data, dict) else None
        except (OSError, ValueError, TypeError):
            return None
        alive = holder is not None and (holder.host != socket.gethostname() or _alive(holder.pid))
        return holder if alive else None

"""``depthlab autograde ASSIGNMENT [SOURCE]``: the class grading's steps, in order.

1. **collect** the submissions into nbgrader's ``submitted/<student>/<a>/<a>.ipynb``
   layout of the course directory (from that layout itself, a folder of
   notebooks, or an LMS/Gradescope zip, extracted safely): :mod:`.collect`;
2. **skip** every student whose stored result still holds (same notebook bytes,
   same grading code, same engine; with the nbgrader engine also an autograded
   notebook and a gradebook entry): :mod:`.store`, :mod:`.gradebook`;
3. **grade** the rest in worker processes (:mod:`.dispatch`, or the workers of a
   Dask cluster: :mod:`.cluster`), each grading one
   notebook at a time (:mod:`.worker`) with a pool of pre-started sandboxed
   kernels (:mod:`.pool`, one fresh kernel per notebook).  With the nbgrader
   engine a worker runs nbgrader's own autograde (depthlab's judge in place of
   Execute), so the gradebook and ``autograded/`` hold exactly what
   ``nbgrader autograde`` stores;
4. **store** each result atomically (``.depthlab/results/<a>/<student>.json``,
   temporary file + rename) as soon as it arrives, so a killed run loses nothing
   that finished: :mod:`.store`;
5. **export** ``grades.csv``: one row per student, one column per test: :mod:`.export`.

A submission that cannot be read, hangs, kills its kernel or even crashes its
worker process becomes that student's ungraded result; the batch goes on.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..config import GradingConfig, load_course
from ..courselock import CourseLock
from ..grading import ENGINES
from ..judge.prepare import load_spec
from ..judge.results import NotebookResult
from ..judge.sandbox import isolation_mode
from ..paths import course_root, source_notebook
from .collect import collect, normalise_for_nbgrader
from .dispatch import Started, run_workers, start_fork_server
from .export import write_grades_csv
from .gradebook import apply_terms, ensure_gradebook, gradebook_students
from .identities import load_identities
from .progress import Progress
from .regrade import save_changes, score_changes
from .store import STORE_VERSION, ResultStore, file_sha, grading_fingerprint
from .worker import ungraded


@dataclass
class BatchSummary:
    """What a run did. ``results`` holds every collected student's result (stored
    earlier or graded now); ``graded`` the students graded in this run."""

    assignment: str
    results: list
    graded: list
    skipped: list
    problems: list
    csv_path: Optional[Path]
    seconds: float
    interrupted: bool = False
    changes: list = field(default_factory=list)   # regrade.ScoreChange: whose score this run changed


def autograde(assignment: str, source: Optional[Path] = None, *, engine: str = "nbgrader", jobs: int = 0,
              root: Optional[Path] = None, config: Optional[GradingConfig] = None,
              csv_path: Optional[Path] = None, force: bool = False, prestart: int = 1,
              progress: bool = True, stream=None,
              on_result: Optional[Callable[[NotebookResult], None]] = None, wait: bool = False,
              students: Optional[Iterable[str]] = None, scheduler: Optional[str] = None) -> BatchSummary:
    """Grade every submission of ``assignment`` found in ``source``; see the module docstring.

    jobs: worker processes (0: one per core). prestart: kernels each worker keeps
    started ahead (0: start each kernel when its notebook is graded).
    force: regrade students whose stored result still holds.
    csv_path: where grades.csv goes (default ``reports/<a>/grades.csv``).
    wait: when another autograde of the course runs, wait for it (saying so once
    on ``stream``) instead of raising :class:`~depthlab.courselock.CourseBusy`.
    students: grade only these (a late submission), keeping everyone else's stored
    result; an id with no submission raises ``ValueError``.
    scheduler: grade on the Dask cluster at this address (``local``: a LocalCluster
    of ``jobs`` workers) instead of local worker processes: :mod:`.cluster`.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    root = Path(root or course_root()).resolve()
    stream = stream or sys.stderr
    # one run per course: the store, grades.csv and the gradebook have one writer
    with CourseLock(root, "depthlab autograde", assignment).hold(wait, lambda line: stream.write(line + "\n")):
        return _autograde(assignment, source, engine, jobs, root, config, csv_path, force, prestart, progress,
                          stream, on_result, students, scheduler)


def _autograde(assignment, source, engine, jobs, root, config, csv_path, force, prestart, progress, stream,
               on_result, students=None, scheduler=None) -> BatchSummary:
    spec = load_spec(assignment, root)
    dispatch = run_workers
    if scheduler:   # before anything runs: without Dask, ImportError says what to install
        from .cluster import on_cluster
        dispatch = on_cluster(scheduler)
    config = config or GradingConfig.from_env()
    started = time.monotonic()
    if dispatch is run_workers or scheduler == "local":
        start_fork_server(("distributed",) if scheduler else ())
    level = isolation_mode(config.isolation)   # refuses here, before anything runs, when no level is safe
    stream.write(f"student code runs isolated by: {level}\n")
    if not source_notebook(assignment, root).exists():
        raise FileNotFoundError(f"{source_notebook(assignment, root)} does not exist: grading needs the source notebook")
    if engine == "otter":
        try:
            from ..engines import otter_engine  # noqa: F401  (heavy: lazy, and only to say whether it is there)
        except ImportError as exc:
            raise RuntimeError(f"the otter engine is not available: {exc}") from None
    terms = load_course(root).terms(assignment)
    found = collect(assignment, source, root=root, terms=terms)
    for line in found.problems:
        stream.write(f"warning: {line}\n")
    keep = {s.student for s in found.submissions}
    chosen = only_students(found.submissions, students)
    # the workers start now: their imports, reference and first kernels overlap with what follows
    early = None
    if dispatch is run_workers and chosen:
        early = Started(assignment, engine, root, config, prestart,
                        max(1, min(jobs or config.effective_jobs, len(chosen))))
    try:
        if engine == "nbgrader":
            for sub in chosen:
                if sub.path is not None:
                    normalise_for_nbgrader(sub.path)
        if engine == "nbgrader":
            ensure_gradebook(assignment, root)
            apply_terms(assignment, root, terms, [s.student for s in found.submissions],
                        load_identities(root, assignment))
        store = ResultStore(assignment, root)
        fingerprint = grading_fingerprint(assignment, root)
        in_gradebook = gradebook_students(assignment, root) if engine == "nbgrader" else set()

        submitted = {sub.student: _timestamp(sub) for sub in chosen}   # read once: the sha and the store entry
        todo, skipped, rejected = [], [], []
        for sub in chosen:
            sha = file_sha(sub.path, sub.rejected) + _lateness(sub.student, submitted[sub.student], terms)
            entry = None if force else store.load(sub.student)
            fresh = (entry is not None and entry.get("sha256") == sha and entry.get("fingerprint") == fingerprint
                     and entry.get("engine") == engine)
            if fresh and engine == "nbgrader" and not entry["record"].get("error"):
                fresh = sub.student in in_gradebook and (
                    root / "autograded" / sub.student / assignment / f"{assignment}.ipynb").exists()
            if fresh:
                skipped.append(sub.student)
            elif sub.path is None:
                rejected.append((sub, sha))
            else:
                todo.append((sub, sha))

        def entry_for(student: str, sha: str, record: dict) -> dict:
            return {"version": STORE_VERSION, "assignment": assignment, "student": student, "engine": engine,
                    "sha256": sha, "fingerprint": fingerprint, "submitted": submitted.get(student, ""),
                    "graded_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), "record": record}

        before = {sub.student: store.load(sub.student) for sub, _ in todo + rejected}   # for the regrade's changes
        graded: list[str] = []
        for sub, sha in rejected:
            result = ungraded(assignment, engine, sub, sub.rejected, root)
            store.save(entry_for(sub.student, sha, result.to_record()))
            graded.append(sub.student)
            if on_result:
                on_result(result)

        bar = Progress(len(todo), label=f"{assignment}", stream=stream, enabled=progress)
        if skipped and progress:
            stream.write(f"{assignment}: {len(skipped)} already graded (kept), {len(todo)} to grade\n")
        interrupted = False
        by_student = {sub.student: (sub, sha) for sub, sha in todo}

        def done(student: str, record: dict) -> None:
            sub, sha = by_student[student]
            store.save(entry_for(student, sha, record))
            graded.append(student)
            result = NotebookResult.from_record(record)
            bar.update(f"{student} {result.score:g}/{result.max_score:g}" + (" (not graded)" if result.error else ""))
            if on_result:
                on_result(result)

        try:
            if todo:
                extra = {"started": early} if early is not None else {}
                dispatch(assignment, engine, root, config, [(s.student, str(s.path)) for s, _ in todo],
                         jobs or config.effective_jobs, prestart, done, by_student, **extra)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
        results = [r for r in store.results() if r.student in keep or r.student is None]
        changes = score_changes(before, {s: store.load(s) for s in graded})
        if any(before.values()):
            save_changes(assignment, root, changes, sum(1 for s in graded if before.get(s)))
        csv_path = Path(csv_path) if csv_path else root / "reports" / assignment / "grades.csv"
        write_grades_csv(results, spec, csv_path)
        summary = BatchSummary(assignment, results, graded, skipped, found.problems, csv_path,
                               round(time.monotonic() - started, 2), interrupted, changes)
        if interrupted:
            raise BatchInterrupted(summary)
        return summary
    finally:
        if early is not None:
            early.close()   # those the batch did not need (nothing to grade), or left after an error


def _timestamp(sub) -> str:
    """When ``sub`` was submitted: its ``timestamp.txt`` (nbgrader's format), or ""."""
    stamp = sub.path.parent / "timestamp.txt" if sub.path is not None else None
    return stamp.read_text(errors="replace").strip() if stamp is not None and stamp.is_file() else ""


def _lateness(student: str, text: str, terms) -> str:
    """What decides the late penalty of ``student``'s submission besides its notebook (its
    ``timestamp.txt`` text, the due date, its extension): a change regrades it."""
    if not text and terms.due is None:
        return ""
    return "+" + hashlib.sha256(f"{text}|{terms.due}|{terms.extension_hours(student)}".encode()).hexdigest()[:16]


def only_students(submissions: list, students: Optional[Iterable[str]]) -> list:
    """The submissions of ``students`` (all when None), refusing an id with no submission."""
    if students is None:
        return list(submissions)
    wanted = list(dict.fromkeys(students))
    found = {s.student for s in submissions}
    missing = [s for s in wanted if s not in found]
    if missing:
        raise ValueError(f"no submission of {', '.join(missing)} found"
                         f" ({len(found)} students have one, e.g. {', '.join(sorted(found)[:3]) or 'none'})")
    return [s for s in submissions if s.student in set(wanted)]


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C: what finished is stored; a rerun grades the rest."""

    def __init__(self, summary: BatchSummary):
        super().__init__()
        self.summary = summary


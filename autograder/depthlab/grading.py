"""Grade notebooks with a chosen engine: the library function behind ``depthlab grade``."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional

from .config import GradingConfig
from .judge.notebook import SubmissionError, read_notebook
from .judge.results import NotebookResult
from .judge.session import NotebookGrader
from .paths import course_root

ENGINES = ("nbgrader", "otter", "direct")


def grade_notebooks(assignment: str, notebooks: Iterable[Path], *, engine: str = "nbgrader",
                    config: Optional[GradingConfig] = None,
                    on_result: Optional[Callable[[NotebookResult], None]] = None,
                    root: Optional[Path] = None) -> list[NotebookResult]:
    """Grade each notebook; a notebook that cannot be graded becomes a result with ``error``.

    ``root``: the course directory (its source notebook and its own checks; default
    :func:`~depthlab.paths.course_root`).

    ``on_result`` is called as soon as each result exists (for streaming output).
    """
    config = config or GradingConfig.from_env()
    root = Path(root or course_root())
    grader = NotebookGrader(assignment, config, root=root)
    results = []
    backend = _backend(engine, assignment, grader)
    try:
        for index, path in enumerate(notebooks):
            path = Path(path)
            try:
                nb = read_notebook(path)     # read once: each backend grades this copy
                result = backend(index, path, nb)
            except SubmissionError as exc:
                result = grader.ungraded(str(path), engine, str(exc))
            except Exception as exc:  # an engine failure is one line, not the end of the batch
                result = grader.ungraded(str(path), engine, f"{engine} could not grade it: {exc}")
            result = _renamed(result, str(path))
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        close = getattr(backend, "close", None)
        if close:
            close()
    return results


def _renamed(result: NotebookResult, notebook: str) -> NotebookResult:
    from dataclasses import replace
    return replace(result, notebook=notebook)


def _backend(engine: str, assignment: str, grader: NotebookGrader):
    if engine == "direct":
        return lambda index, path, nb: grader.grade_path(path, "direct", nb=nb).result
    if engine == "nbgrader":
        return _NbgraderBackend(assignment, grader)
    if engine == "otter":
        from .engines.otter_engine import OtterBackend
        return OtterBackend(assignment, grader.config, root=grader.root)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


class _NbgraderBackend:
    """nbgrader's autograde in a scratch course, grading with the caller's grader (one per run)."""

    def __init__(self, assignment: str, grader: NotebookGrader):
        self.assignment = assignment
        self.grader = grader
        self.course = None

    def __call__(self, index: int, path: Path, nb=None) -> NotebookResult:
        from .engines.nbgrader_engine import NbgraderCourse, student_id
        if self.course is None:
            self.course = NbgraderCourse(self.assignment, self.grader.root, config=self.grader.config,
                                         grader=self.grader)
        return self.course.grade(path, student_id(index, path), nb)

    def close(self) -> None:
        if self.course is not None:
            self.course.close()

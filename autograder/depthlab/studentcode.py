"""What a student wrote, per graded function: the code of each ``solution_<function>``
cell of a submission, beside the same cell of the release notebook.

Read by the similarity section of the TA report (:mod:`.similarity`) and by the
feedback page, which shows a student's code of a failing function beside the
message.  Only the student's own solution cells are read: never a test cell.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .judge.notebook import SubmissionError, grade_id, read_notebook
from .paths import course_root

SOLUTION_PREFIX = "solution_"


def solution_code(notebook: Optional[Path]) -> dict[str, str]:
    """``{function: code}`` of the solution code cells of ``notebook``, in notebook order;
    ``{}`` when the file is missing or is not a notebook (the grade says why elsewhere)."""
    if notebook is None or not Path(notebook).is_file():
        return {}
    try:
        nb = read_notebook(Path(notebook))
    except SubmissionError:
        return {}
    out: dict[str, str] = {}
    for cell in nb.cells:
        gid = grade_id(cell) or ""
        if cell.get("cell_type") == "code" and gid.startswith(SOLUTION_PREFIX):
            source = cell.get("source", "")
            out[gid[len(SOLUTION_PREFIX):]] = "".join(source) if isinstance(source, list) else str(source)
    return out


def submitted_notebook(assignment: str, student: str, root: Optional[Path] = None) -> Path:
    """Where nbgrader keeps ``student``'s submission: ``submitted/<student>/<a>/<a>.ipynb``."""
    return Path(root or course_root()) / "submitted" / student / assignment / f"{assignment}.ipynb"


def release_code(assignment: str, root: Optional[Path] = None) -> dict[str, str]:
    """The release notebook's solution cells (signature, docstring, stub): the code
    every student starts from.  Generated from the current source notebook
    (:func:`depthlab.classgen.release_path`, cached by the source's hash), so a
    stale ``release/`` folder cannot make the given code look like the students'."""
    from .classgen import release_path
    return solution_code(release_path(assignment, root))

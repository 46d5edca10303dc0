"""``depthlab validate``: the reference earns every point, the blank release none."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from .grading import grade_notebooks
from .judge.prepare import load_spec
from .paths import course_root, release_notebook, source_notebook


@dataclass(frozen=True)
class Problem:
    assignment: str
    what: str


def validate(assignments: Iterable[str], *, engine: str = "nbgrader", root: Optional[Path] = None) -> list[Problem]:
    """Grade each assignment's source notebook and blank release; list what is wrong."""
    root = root or course_root()
    problems = []
    for a in assignments:
        spec = load_spec(a, root)
        src, rel = source_notebook(a, root), release_notebook(a, root)
        if not rel.exists():
            problems.append(Problem(a, f"{rel} is missing: run `depthlab release {a}`"))
            continue
        ref, blank = grade_notebooks(a, [src, rel], engine=engine, root=root)
        if ref.error or ref.score != spec.max_score:
            failed = [t.message for t in ref.tests if not t.passed]
            problems.append(Problem(a, f"the source notebook scores {ref.score}/{spec.max_score}"
                                       f"{': ' + failed[0] if failed else ''}{' (' + ref.error + ')' if ref.error else ''}"))
        if blank.error or blank.score != 0:
            problems.append(Problem(a, f"the blank release scores {blank.score} (expected 0)"
                                       f"{' (' + blank.error + ')' if blank.error else ''}"))
        points = _cell_points(src)
        declared = {t.test_id: float(t.points) for t in spec.tests}
        if points != declared:
            problems.append(Problem(a, f"test-cell points {points} differ from the checks' points {declared}"))
    return problems


def _cell_points(path: Path) -> dict:
    import nbformat
    nb = nbformat.read(path, 4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = float(meta.get("points", 0))
    return out

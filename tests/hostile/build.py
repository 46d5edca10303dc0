"""Build hostile submissions from the assignment's own notebooks, at test time.

A submission starts as the *release* notebook (what students receive, made by
``nbgrader generate_assignment`` from ``source/``) with every solution cell
filled from the source notebook: the perfect student.  A hostile case then

- replaces the solution cell of one function with a snippet kept as a file,
  ``<assignment>/<function>__<what>.py`` (the whole cell: imports and ``def``), or
- adds a cell of its own, ``<assignment>/cell__<what>.py``, after the last
  solution cell (``cell_first__<what>.py``: right after the setup cell).

Snippets may write ``__REPO__`` where a student would write the path of the
course folder they guessed; it becomes the real one here (``__CACHE__``: the folder
of the reference's cached outcomes, :mod:`depthlab.judge.refcache`).  A line ``# __KIT__``
becomes the student's search kit (``kit/search_kit.py``: helpers that find files
on the machine by computed paths), and a line ``# __PLAIN_WRONG__`` the plain
wrong answer of the snippet's function (``<function>__plain_wrong.py``) renamed
``_plain_<function>``: a hostile function that finds nothing falls back on it,
so it is judged exactly like the plain wrong answer.
"""
from __future__ import annotations

import atexit
import copy
import functools
import json
import shutil
import tempfile
from pathlib import Path

import nbformat

from depthlab.judge.notebook import grade_id
from depthlab.judge.refcache import cache_dir
from depthlab.paths import course_root, source_notebook

HERE = Path(__file__).resolve().parent
ASSIGNMENT = "ps2_vanishing_gradients"


def snippet_path(name: str, assignment: str = ASSIGNMENT) -> Path:
    return HERE / assignment / f"{name}.py"


def snippet(name: str, assignment: str = ASSIGNMENT) -> str:
    text = snippet_path(name, assignment).read_text()
    text = text.replace("# __KIT__\n", (HERE / "kit" / "search_kit.py").read_text())
    if "# __PLAIN_WRONG__\n" in text:
        function = name.split("__")[0]
        plain = snippet_path(f"{function}__plain_wrong", assignment).read_text()
        text = text.replace("# __PLAIN_WRONG__\n", plain.replace(f"def {function}(", f"def _plain_{function}("))
    return text.replace("__REPO__", str(course_root())).replace("__CACHE__", str(cache_dir() or "/nonexistent"))


def snippet_names(assignment: str = ASSIGNMENT) -> list[str]:
    return sorted(p.stem for p in (HERE / assignment).glob("*.py"))


@functools.lru_cache(maxsize=None)
def release_dir(assignment: str = ASSIGNMENT) -> Path:
    """A fresh ``nbgrader generate_assignment`` of the source notebook (once per process)."""
    from depthlab.release import generate_release
    from depthlab.tools import ensure_tools_on_path
    ensure_tools_on_path()
    out = Path(tempfile.mkdtemp(prefix="depthlab-hostile-release-"))
    atexit.register(shutil.rmtree, out, True)
    return generate_release(assignment, course_root(), out)


def release_nb(assignment: str = ASSIGNMENT) -> nbformat.NotebookNode:
    return nbformat.read(release_dir(assignment) / f"{assignment}.ipynb", as_version=4)


@functools.lru_cache(maxsize=None)
def _solutions(assignment: str) -> dict:
    src = nbformat.read(source_notebook(assignment), as_version=4)
    return {grade_id(c): c.source for c in src.cells if (grade_id(c) or "").startswith("solution_")}


def solutions(assignment: str = ASSIGNMENT) -> dict:
    """grade_id -> the instructor's code of each solution cell."""
    return dict(_solutions(assignment))


def perfect(assignment: str = ASSIGNMENT) -> nbformat.NotebookNode:
    """The release notebook with the instructor's solution cells: full marks."""
    nb = release_nb(assignment)
    sols = _solutions(assignment)
    for cell in nb.cells:
        if grade_id(cell) in sols:
            cell.source = sols[grade_id(cell)]
    return nb


def index_of(nb, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)


def with_snippets(names, assignment: str = ASSIGNMENT, base=None) -> nbformat.NotebookNode:
    """``base`` (default: the perfect notebook) with each named snippet put in place."""
    nb = copy.deepcopy(base) if base is not None else perfect(assignment)
    last_solution = max(i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("solution_"))
    appended = 0
    for name in names:
        target, _, _ = name.partition("__")
        code = snippet(name, assignment)
        if target == "cell":
            appended += 1
            nb.cells.insert(last_solution + appended, nbformat.v4.new_code_cell(code))
        elif target == "cell_first":
            nb.cells.insert(index_of(nb, "given_setup") + 1, nbformat.v4.new_code_cell(code))
            last_solution += 1
        else:
            nb.cells[index_of(nb, f"solution_{target}")].source = code
    return nb


def write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def write_json(data, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path

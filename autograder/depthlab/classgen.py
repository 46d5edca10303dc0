"""A synthetic class: seeded students for tests, benchmarks and ``depthlab demo``.

Each student's notebook is the released notebook with its solution cells
filled in.  Per function a student writes the reference (its source, read from
``solutions/<a>.py``), a valid alternative kept in ``tests/alternatives/<a>/``,
a typical wrong implementation kept in ``tests/mutants/<a>/``, or nothing (the
released stub).  Optional *hostile* students carry the problems a real batch
meets: a file that is not a notebook, a monkeypatched ``np.allclose``, an
edited test cell, an infinite loop.

Public pieces: :func:`reference_sources`, :func:`fill_release` (reused by other
tests), :func:`make_class` (who writes what, no files), :func:`write_class`
(the files, in nbgrader's ``submitted/`` layout, a flat folder or an LMS-style
zip) and :func:`skeleton_source` (a minimal source notebook for an assignment
that has checks but no hand-written notebook).
"""
from __future__ import annotations

import ast
import copy
import hashlib
import importlib
import inspect
import io
import json
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import nbformat
import numpy as np

from .classcopy import PLANTED, disguise
from .judge.notebook import grade_id
from .judge.prepare import load_spec
from .paths import course_root, source_notebook

SOLUTION_PREFIX = "solution_"
WRITTEN_PREFIX = "written_"
#: the kinds of answer a student can give for one function
KINDS = ("reference", "alternative", "mutant", "blank")
#: the hostile submissions :func:`make_class` can add
HOSTILE = ("not_a_notebook", "monkeypatch", "edited_test", "infinite_loop")

WRITTEN_ANSWERS = (
    "Every layer multiplies the gradient by one more factor. When those factors are "
    "smaller than one in size the product shrinks geometrically with depth; when they "
    "are larger than one it grows geometrically.",
    "The gradient is a product of many terms, one per layer, so it shrinks or grows "
    "like a power of the typical term.",
    "I am not sure. The plot shows the gradient getting smaller for the first layers.",
    "Because the derivative is small.",
)


# --------------------------------------------------------------------------- sources

def _module_source(assignment: str) -> tuple[str, ast.Module]:
    module = importlib.import_module(load_spec(assignment).reference_module)
    text = inspect.getsource(module)
    return text, ast.parse(text)


def _segment(text: str, node: ast.AST) -> str:
    lines = text.splitlines()
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[start - 1:node.end_lineno])


def _code_from_module(text: str, tree: ast.Module, function: str, graded: Iterable[str] = (),
                      drop=("EXPECT", "FUNCTION")) -> str:
    """``function`` with the imports, constants and helpers it needs, as one cell.

    Helpers are the module's other definitions the function uses, transitively,
    except the ``graded`` functions: those come from the student's own cells.
    Module docstrings and the test-data markers (``EXPECT``, ``FUNCTION``) are
    left out; imports of the grading or reference packages are left out too.
    """
    graded = set(graded) - {function}
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    if function not in defs:
        raise KeyError(f"{function} is not defined in this module")
    needed, todo = [], [function]
    while todo:   # helpers the function calls, transitively (other defs of the module)
        name = todo.pop()
        if name in needed:
            continue
        needed.append(name)
        used = {n.id for n in ast.walk(defs[name]) if isinstance(n, ast.Name)}
        todo.extend(sorted(u for u in used if u in defs and u not in graded and u not in needed))
    parts = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if not any(m.split(".")[0] in ("solutions", "depthlab", "autograder") for m in mods):
                parts.append(_segment(text, node))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names and not names & set(drop) and not all(n.startswith("__") for n in names):
                parts.append(_segment(text, node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in needed:
            if node.name != function:
                parts.append(_segment(text, node))
    parts.append(_segment(text, defs[function]))
    return "\n\n".join(p for p in parts if p.strip()) + "\n"


def reference_sources(assignment: str) -> dict[str, str]:
    """The reference code of every graded function, one cell's worth each."""
    text, tree = _module_source(assignment)
    functions = load_spec(assignment).functions
    return {f: _code_from_module(text, tree, f, functions) for f in functions}


def variant_sources(assignment: str, kind: str, root: Optional[Path] = None) -> dict[str, list[tuple[str, str]]]:
    """``{function: [(variant name, code), ...]}`` from ``tests/<kind>/<a>/<fn>__<variant>.py``;
    for "mutants", the mistakes the checks catalogue come first.

    ``kind`` is "mutants" or "alternatives"; a missing folder gives ``{}``.
    """
    folder = (root or data_root()) / "tests" / kind / assignment
    out: dict[str, list[tuple[str, str]]] = {}
    functions = set(load_spec(assignment).functions)
    for test in load_spec(assignment).tests if kind == "mutants" else ():
        for mistake in test.mistakes:
            out.setdefault(test.function, []).append((mistake.name, mistake.source()))
    for path in sorted(folder.glob("*__*.py")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        function = path.stem.split("__")[0]
        for node in tree.body:   # a data file may name its function explicitly
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "FUNCTION" for t in node.targets):
                function = ast.literal_eval(node.value)
        if function in functions:
            out.setdefault(function, []).append((path.stem.split("__", 1)[1], _code_from_module(text, tree, function, functions)))
    return out


def data_root() -> Path:
    """The repository holding ``tests/mutants`` and ``tests/alternatives``: the one this
    package was installed from (editable), else the course directory."""
    repo = Path(__file__).resolve().parents[2]
    return repo if (repo / "tests" / "mutants").is_dir() else course_root()


# --------------------------------------------------------------------------- notebooks

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def release_path(assignment: str, root: Optional[Path] = None) -> Path:
    """The student notebook generated from the current source notebook.

    Generated with nbgrader (as ``depthlab release`` does) into
    ``.depthlab/release/`` and cached by the source notebook's hash, so a stale
    ``release/`` folder never makes every generated student look like a tamperer.
    """
    root = Path(root or course_root())
    src = source_notebook(assignment, root)
    if not src.exists():
        raise FileNotFoundError(f"{src} does not exist: {assignment} has no source notebook yet")
    cache = root / ".depthlab" / "release" / f"{assignment}-{_sha(src)}" / assignment
    target = cache / f"{assignment}.ipynb"
    if not target.exists():
        from .release import generate_release
        cache.parent.mkdir(parents=True, exist_ok=True)
        generate_release(assignment, root, cache.parent)
    return target


def fill_release(assignment: str, sources: dict[str, str], *, root: Optional[Path] = None,
                 release: Optional[Path] = None) -> nbformat.NotebookNode:
    """The released notebook with cells replaced: a student's submission.

    ``sources`` maps a function name (its cell ``solution_<fn>``) or a full
    grade id (``written_<topic>``) to the cell's new text; every other cell
    stays as released.  Unknown keys raise ``KeyError``.
    """
    nb = nbformat.read(str(release or release_path(assignment, root)), as_version=4)
    wanted = {(k if k.startswith((SOLUTION_PREFIX, WRITTEN_PREFIX)) else SOLUTION_PREFIX + k): v
              for k, v in sources.items()}
    found = set()
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in wanted:
            cell.source = wanted[gid]
            found.add(gid)
    missing = set(wanted) - found
    if missing:
        raise KeyError(f"the release notebook of {assignment} has no cell(s) {', '.join(sorted(missing))}")
    return nb


def written_ids(nb) -> list[str]:
    """Grade ids of the manually graded written-answer cells of a notebook."""
    out = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if meta.get("grade") and meta.get("solution") and cell.get("cell_type") == "markdown":
            out.append(meta["grade_id"])
    return out


# --------------------------------------------------------------------------- the class

@dataclass(frozen=True)
class Answer:
    """What one student wrote for one function: kind in KINDS, variant names the file."""

    function: str
    kind: str
    variant: str = ""


@dataclass(frozen=True)
class Student:
    """One synthetic student. ``hostile`` names a special submission (see HOSTILE)."""

    id: str
    answers: tuple = ()
    written: bool = False
    hostile: str = ""
    copies: str = ""      # the student whose notebook this one copies, disguised (classcopy.py)

    def answer(self, function: str) -> Answer:
        return next(a for a in self.answers if a.function == function)


@dataclass(frozen=True)
class ClassRoster:
    """Who wrote what, and where the files are."""

    assignment: str
    seed: int
    students: tuple
    layout: str = ""
    path: Optional[Path] = None
    files: dict = field(default_factory=dict)   # student id -> file written

    def to_json(self) -> dict:
        return {"assignment": self.assignment, "seed": self.seed, "layout": self.layout,
                "path": str(self.path) if self.path else None,
                "files": {k: str(v) for k, v in self.files.items()},
                "students": [asdict(s) for s in self.students]}


def make_class(assignment: str, n: int, *, seed: int = 0, anchors: bool = True,
               hostile: Iterable[str] = (), root: Optional[Path] = None,
               prefix: str = "student", planted: bool = False) -> ClassRoster:
    """Decide, seeded, what each of ``n`` students writes (no files yet).

    Each student has a skill in (0, 1); per function they write a correct answer
    with that probability (the reference or, half the time when one exists, a
    valid alternative), else a wrong implementation (3 in 4, when there is one)
    or nothing.  ``anchors``: student 1 writes the reference everywhere and
    student 2 nothing.  ``hostile`` kinds replace the students right after the
    anchors (early in the class, so a hanging notebook is graded while the
    other workers go on, not at the end).  ``planted``: the last student copies the
    one before (:func:`plant_copy`).
    """
    hostile = list(hostile)
    unknown = set(hostile) - set(HOSTILE)
    if unknown:
        raise ValueError(f"unknown hostile kind(s) {sorted(unknown)}; choose from {HOSTILE}")
    if len(hostile) > n:
        raise ValueError(f"{len(hostile)} hostile students do not fit in a class of {n}")
    rng = np.random.default_rng(seed)
    functions = load_spec(assignment).functions
    mutants = variant_sources(assignment, "mutants")
    planted_code = variant_sources(assignment, "alternatives")
    alternatives = {f: [v for v in vs if v[0] != PLANTED] for f, vs in planted_code.items()}
    width = max(3, len(str(n)))
    students = []
    for i in range(n):
        sid = f"{prefix}{i + 1:0{width}d}"
        skill = float(rng.beta(4.0, 2.0))
        answers = []
        for f in functions:
            u, v = rng.random(), rng.random()
            if anchors and i == 0:
                kind = "reference"
            elif anchors and i == 1:
                kind = "blank"
            elif u < skill:
                kind = "alternative" if alternatives.get(f) and v < 0.5 else "reference"
            else:
                kind = "mutant" if mutants.get(f) and v < 0.75 else "blank"
            pool = {"mutant": mutants, "alternative": alternatives}.get(kind, {}).get(f, [])
            variant = pool[int(rng.integers(len(pool)))][0] if pool else ""
            answers.append(Answer(f, kind, variant))
        written = (anchors and i == 0) or (not (anchors and i == 1) and rng.random() < skill)
        students.append(Student(sid, tuple(answers), bool(written)))
    first = min(2 if anchors else 0, n - len(hostile))
    for k, kind in enumerate(hostile):
        index = first + k
        students[index] = Student(students[index].id, students[index].answers, students[index].written, kind)
    if planted:
        plant_copy(students, planted_code)
    return ClassRoster(assignment, seed, tuple(students))


def plant_copy(students: list, alternatives: dict) -> None:
    """The planted pair, in place: the second-last student writes the hand-written
    "own style" solutions (``tests/alternatives/<a>/<fn>__own_style_planted.py``,
    correct but written by no one else) where there are some, and the last student
    hands in that notebook with its variables renamed and reformatted."""
    if len(students) < 2:
        raise ValueError("a planted pair needs a class of at least 2")
    own = {f for f, vs in alternatives.items() if any(v[0] == PLANTED for v in vs)}
    if not own:
        raise ValueError("no tests/alternatives/<a>/<function>__own_style_planted.py to plant a copied pair on")
    original = students[-2]
    answers = tuple(Answer(a.function, "alternative", PLANTED) if a.function in own else a for a in original.answers)
    students[-2] = Student(original.id, answers, original.written)
    students[-1] = Student(students[-1].id, answers, original.written, copies=original.id)


def student_notebook(assignment: str, student: Student, *, root: Optional[Path] = None,
                     release: Optional[Path] = None) -> nbformat.NotebookNode:
    """The notebook ``student`` hands in (hostile kinds included, except "not_a_notebook")."""
    release = release or release_path(assignment, root)
    refs = reference_sources(assignment)
    pools = {"mutant": variant_sources(assignment, "mutants"),
             "alternative": variant_sources(assignment, "alternatives")}
    sources = {}
    for a in student.answers:
        if a.kind == "reference":
            sources[a.function] = refs[a.function]
        elif a.kind in pools:
            sources[a.function] = dict(pools[a.kind][a.function])[a.variant]
    nb = fill_release(assignment, sources, release=release)
    if student.written:
        for k, gid in enumerate(written_ids(nb)):
            key = f"{student.copies or student.id}/{gid}"     # a copier copies the written answers too
            text = WRITTEN_ANSWERS[(int(hashlib.sha256(key.encode()).hexdigest(), 16) + k) % len(WRITTEN_ANSWERS)]
            _set_cell(nb, gid, text)
    if student.hostile:
        _make_hostile(nb, student, assignment)
    if student.copies:
        for cell in nb.cells:
            if (grade_id(cell) or "").startswith(SOLUTION_PREFIX):
                cell.source = disguise(cell.source)
    return nb


def _set_cell(nb, gid: str, text: str) -> None:
    for cell in nb.cells:
        if grade_id(cell) == gid:
            cell.source = text


def _make_hostile(nb, student: Student, assignment: str) -> None:
    functions = [a.function for a in student.answers]
    target = functions[0]
    if student.hostile == "monkeypatch":
        cell = nbformat.v4.new_code_cell("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                         "np.testing.assert_allclose = lambda *a, **k: None\n")
        nb.cells.insert(_index(nb, SOLUTION_PREFIX + target) + 1, cell)
    elif student.hostile == "edited_test":
        for cell in nb.cells:
            gid = grade_id(cell)
            if gid and gid.startswith("test_"):
                cell.source = "# I removed the asserts that failed\npass\n"
                break
    elif student.hostile == "infinite_loop":   # the last function: no other graded function calls it
        last = functions[-1]
        _set_cell(nb, SOLUTION_PREFIX + last, f"def {last}(*args, **kwargs):\n    while True:\n        pass\n")


def _index(nb, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)


def _bytes(assignment: str, student: Student, release: Path, root: Optional[Path]) -> bytes:
    if student.hostile == "not_a_notebook":
        return b"{\"cells\": [ this is not JSON, the upload was cut short"
    nb = student_notebook(assignment, student, root=root, release=release)
    return nbformat.writes(nb).encode("utf-8")


def lms_name(student: str, assignment: str, index: int) -> str:
    """A Canvas-style download name: ``<student>_<user id>_<submission id>_<file>``."""
    return f"{student}_{100000 + index}_{5550000 + 7 * index}_{assignment}.ipynb"


def write_class(roster: ClassRoster, dest: Path, *, layout: str = "nbgrader",
                root: Optional[Path] = None) -> ClassRoster:
    """Write every student's notebook; return the roster with the paths filled in.

    layout "nbgrader": ``dest/submitted/<student>/<a>/<a>.ipynb`` (``dest`` is a
    course directory); "flat": ``dest/<student>.ipynb``; "zip": the file
    ``dest`` holding Canvas-style names (:func:`lms_name`).
    """
    a = roster.assignment
    dest = Path(dest)
    release = release_path(a, root)
    files: dict[str, Path] = {}
    if layout == "zip":
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
            for i, s in enumerate(roster.students):
                name = lms_name(s.id, a, i)
                zf.writestr(name, _bytes(a, s, release, root))
                files[s.id] = dest / name
    elif layout in ("nbgrader", "flat"):
        for s in roster.students:
            path = (dest / "submitted" / s.id / a / f"{a}.ipynb") if layout == "nbgrader" else dest / f"{s.id}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(_bytes(a, s, release, root))
            files[s.id] = path
    else:
        raise ValueError(f"unknown layout {layout!r}; choose nbgrader, flat or zip")
    from dataclasses import replace
    return replace(roster, layout=layout, path=dest, files=files)


def generate_class(assignment: str, n: int, dest: Path, *, layout: str = "nbgrader", seed: int = 0,
                   hostile: Iterable[str] = (), root: Optional[Path] = None, planted: bool = False) -> ClassRoster:
    """:func:`make_class` then :func:`write_class`."""
    roster = make_class(assignment, n, seed=seed, hostile=hostile, root=root, planted=planted)
    return write_class(roster, dest, layout=layout, root=root)


# --------------------------------------------------------------------------- skeleton source

def skeleton_source(assignment: str, *, written: int = 1) -> nbformat.NotebookNode:
    """A minimal instructor notebook built from the checks and the reference.

    One setup cell (the reference module's imports), then per graded function a
    solution cell (signature and docstring given, body between the solution
    markers) and a test cell with the test's points; then ``written`` manually
    graded written-answer cells.  For tests and benchmarks of the grading
    machinery when an assignment has no hand-written notebook.
    """
    spec = load_spec(assignment)
    text, tree = _module_source(assignment)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    imports = [_segment(text, n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]

    def meta(**kw):
        return {"nbgrader": {"schema_version": 3, "grade": False, "solution": False, "locked": False, **kw}}

    cells = [nbformat.v4.new_markdown_cell(f"# {assignment} (skeleton)", metadata=meta(locked=True, grade_id="intro")),
             nbformat.v4.new_code_cell("\n".join(imports) or "pass",
                                       metadata={**meta(locked=True, grade_id="given_setup"), "tags": ["setup"]})]
    lines = text.splitlines()
    for test in spec.tests:
        node = defs[test.function]
        has_doc = ast.get_docstring(node) is not None
        body_start = node.body[0].end_lineno + 1 if has_doc else node.body[0].lineno
        head = lines[node.lineno - 1:body_start - 1]
        body = lines[body_start - 1:node.end_lineno]
        if not any(l.strip() for l in body):
            body = ["    return None"]
        source = "\n".join(head + ["    ### BEGIN SOLUTION"] + body + ["    ### END SOLUTION"])
        cells.append(nbformat.v4.new_code_cell(source, metadata=meta(solution=True, grade_id=f"solution_{test.function}")))
        cells.append(nbformat.v4.new_code_cell(
            f"assert callable({test.function}), '{test.function} is not defined'\n"
            "### BEGIN HIDDEN TESTS\n# graded by depthlab outside the kernel\n### END HIDDEN TESTS",
            metadata=meta(grade=True, locked=True, grade_id=test.test_id, points=float(test.points))))
    for k in range(written):
        cells.append(nbformat.v4.new_markdown_cell(f"**Question {k + 1}.** Explain what you saw.",
                                                   metadata=meta(locked=True, grade_id=f"question_{k + 1}")))
        cells.append(nbformat.v4.new_markdown_cell(
            "### BEGIN SOLUTION\nModel answer: the product of the per-layer factors.\n### END SOLUTION",
            metadata=meta(grade=True, solution=True, grade_id=f"written_q{k + 1}", points=2.0)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.nbformat_minor = 5
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k}"
    return nb


def write_skeleton_course(assignment: str, root: Path) -> Path:
    """A scratch course directory at ``root`` holding the skeleton source of ``assignment``
    and the repository's ``nbgrader_config.py``; returns the notebook path."""
    root = Path(root)
    path = root / "source" / assignment / f"{assignment}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(skeleton_source(assignment), str(path))
    config = Path(__file__).resolve().parents[2] / "nbgrader_config.py"
    (root / "nbgrader_config.py").write_text(config.read_text())
    return path

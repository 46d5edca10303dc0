"""Read a submission, match it against the instructor's notebook, and plan what to run.

Grading never trusts the student's copy of given or test cells: setup cells
come from the source notebook, test cells are not run at all (the probes
replace them), and what the student changed is reported as integrity flags.
"""
from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import nbformat
import nbformat.validator

from ..paths import source_notebook
from .results import IntegrityFlag

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)
FORBIDDEN_MODULES = ("solutions", "depthlab", "autograder")
PATCHABLE = {"np", "numpy", "math", "builtins", "__builtins__", "plt", "matplotlib", "scipy", "sys", "json",
             "copy", "warnings", "gc", "inspect", "importlib", "types", "os", "io", "time", "random", "IPython"}
INTROSPECTION = {("sys", "modules"): "reads sys.modules", ("gc", "get_objects"): "walks gc.get_objects()",
                 ("gc", "get_referrers"): "walks gc.get_referrers()", ("gc", "get_referents"): "walks gc.get_referents()",
                 ("sys", "_getframe"): "inspects stack frames", ("sys", "_current_frames"): "inspects stack frames",
                 ("inspect", "stack"): "inspects stack frames", ("inspect", "currentframe"): "inspects stack frames",
                 ("inspect", "getouterframes"): "inspects stack frames", ("sys", "meta_path"): "changes the import system",
                 ("sys", "path_hooks"): "changes the import system", ("sys", "settrace"): "installs a trace function",
                 ("sys", "setprofile"): "installs a profile function"}
#: names of the grader's objects in the kernel (the probe module and its call code)
GRADER_NAMES = re.compile(r"^(__depthlab\w*|__dl_\w*|_dl_[0-9a-f]{6,}\w*|_DepthlabBlocker)$")
#: a string naming the grader's files: reference solutions, the grader, the gradebook, submissions
GRADING_PATHS = re.compile(r"(^|[\\/])(solutions|autograder|depthlab|autograded|submitted|gradebook\.db|"
                           r"source[\\/]ps\d\w*|\.git)([\\/.]|$)")
#: integrity findings that cost the function concerned its credit
BANNING = ("forbidden_import", "reads_grading_files", "tampers_with_grader")
#: more cells than any real notebook has
MAX_CELLS = 5000
#: a cell id as nbformat 4.5's schema allows it
CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
#: half a UTF-16 pair: JSON's "\\ud800" escape can carry one, UTF-8 (files, the kernel's messages) cannot
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SubmissionError(ValueError):
    """The file cannot be graded at all; the message says why and what to do."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse a notebook file, turning every way it can be broken into a SubmissionError."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"{path} does not exist or is not a file")
    raw = path.read_bytes()
    name = shown_name(path)
    if not raw.strip():
        raise SubmissionError(f"{name} is empty")
    if len(raw) > 50_000_000:
        raise SubmissionError(f"{name} is {len(raw) // 1_000_000} MB; notebooks over 50 MB are not graded")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubmissionError(f"{name} is not a notebook: it is not valid JSON ({exc.__class__.__name__}: "
                              f"{one_line(exc, 120)}); was the file truncated or saved by another program?") from None
    except RecursionError:
        raise SubmissionError(f"{name} is not a notebook: its JSON is nested too deeply") from None
    return notebook_from_json(data, name)


def shown_name(path) -> str:
    """A file's name for a message: a long one is cut in the middle."""
    name = Path(path).name
    return name if len(name) <= 60 else f"{name[:30]}...{name[-25:]}"


def one_line(text, limit: int = 200) -> str:
    """``text`` on one line of at most ``limit`` characters, for a message."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def notebook_from_json(data, name: str = "the notebook") -> nbformat.NotebookNode:
    """A version-4 notebook from parsed JSON of any nbformat version nbformat can
    upgrade (3, 4.0-4.5), with every cell in a shape grading can rely on."""
    cells = data.get("cells") if isinstance(data, dict) else None
    if cells is None and isinstance(data, dict) and isinstance(data.get("worksheets"), list):
        cells = [c for w in data["worksheets"] if isinstance(w, dict) and isinstance(w.get("cells"), list)
                 for c in w["cells"]]
    if not isinstance(data, dict) or not isinstance(cells, list) or "nbformat" not in data and "worksheets" not in data:
        raise SubmissionError(f"{name} is JSON but not a Jupyter notebook (no list of cells)")
    if len(cells) > MAX_CELLS:
        raise SubmissionError(f"{name} has {len(cells)} cells; notebooks with over {MAX_CELLS} are not graded")
    try:
        with warnings.catch_warnings():   # missing or duplicate cell ids: nbformat fixes them and warns
            warnings.simplefilter("ignore")
            text = LONE_SURROGATE.sub("\ufffd", json.dumps(data, ensure_ascii=False))
            nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for old or odd files
        version = one_line(data.get("nbformat"), 20)
        raise SubmissionError(f"{name} could not be read as a notebook (nbformat {version}): {one_line(exc, 160)}") from None
    good = []
    for cell in nb.get("cells") or []:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        elif not isinstance(source, str):
            source = ""
        cell["source"] = source
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            cell["cell_type"] = "raw"
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = nbformat.NotebookNode()
        if "nbgrader" in cell["metadata"] and not isinstance(cell["metadata"]["nbgrader"], dict):
            del cell["metadata"]["nbgrader"]
        if cell["cell_type"] == "code":   # nbgrader and otter index these; grading never reads them
            outputs = cell.get("outputs")
            cell["outputs"] = [o for o in outputs if isinstance(o, dict) and isinstance(o.get("output_type"), str)] \
                if isinstance(outputs, list) else []
            if not isinstance(cell.get("execution_count"), int) or isinstance(cell["execution_count"], bool):
                cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        good.append(cell)
    nb.cells = good
    if not isinstance(nb.get("metadata"), dict):   # otter and nbgrader read it as a dict
        nb["metadata"] = nbformat.NotebookNode()
    return nb


def with_cell_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` as nbformat 4.5 with a valid, unique id on every cell, which
    nbgrader requires.  nbformat's ``validator.normalize`` adds missing ids and
    renames duplicates; it only reports an id that is present but malformed
    (``"a b"``, ``3``, 65 characters), so those are removed first for it to replace."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if "id" in cell and not (isinstance(cell["id"], str) and CELL_ID.fullmatch(cell["id"])):
            del cell["id"]
    with warnings.catch_warnings():   # it warns for each id it adds or renames
        warnings.simplefilter("ignore")
        _, nb = nbformat.validator.normalize(nb, 4, 5)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def grade_id(cell) -> Optional[str]:
    meta = cell.get("metadata", {}).get("nbgrader")
    if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
        return meta["grade_id"]
    return None


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def released_text(source: str) -> str:
    """What the student sees of a test cell: the source without its hidden block."""
    return HIDDEN.sub("", source)


@dataclass(frozen=True)
class TemplateCell:
    grade_id: str
    kind: str        # setup | given | solution | test | written | text
    source: str
    cell_type: str


@dataclass(frozen=True)
class Template:
    """The instructor's notebook, reduced to what grading needs."""

    assignment: str
    cells: tuple

    @classmethod
    def load(cls, assignment: str, path: Optional[Path] = None, root: Optional[Path] = None) -> "Template":
        """The template at ``path``, else the source notebook of the course at ``root``."""
        nb = read_notebook(path or source_notebook(assignment, root))
        cells = []
        for cell in nb.cells:
            gid = grade_id(cell)
            if not gid:
                continue
            meta = cell.metadata.nbgrader
            if meta.get("grade") and meta.get("solution"):
                kind = "written"
            elif meta.get("solution"):
                kind = "solution"
            elif meta.get("grade"):
                kind = "test"
            elif cell.cell_type == "code":
                kind = "setup" if "setup" in cell.metadata.get("tags", []) else "given"
            else:
                kind = "text"
            cells.append(TemplateCell(gid, kind, cell.source, cell.cell_type))
        return cls(assignment, tuple(cells))

    def by_id(self) -> dict:
        return {c.grade_id: c for c in self.cells}

    def of_kind(self, kind: str) -> list:
        return [c for c in self.cells if c.kind == kind]


@dataclass(frozen=True)
class StudentCell:
    label: str               # "solution_sigmoid" or "added cell 12"
    source: str
    index: int               # position in the submission
    functions: tuple = ()    # graded functions this cell defines


@dataclass(frozen=True)
class Plan:
    """What to run, in order, and what was noticed on the way."""

    setup: tuple             # TemplateCell
    student: tuple           # StudentCell
    flags: tuple             # IntegrityFlag
    banned: frozenset = frozenset()   # functions that get no credit (integrity)


def make_plan(template: Template, nb, functions: list[str]) -> Plan:
    ids = template.by_id()
    released = {_norm(released_text(t.source)): t for t in template.cells if t.kind == "test"}
    flags: list[IntegrityFlag] = []
    seen: dict[str, int] = {}
    order: list[str] = []
    renamed_ids: set[str] = set()
    student: list[StudentCell] = []
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        t = ids.get(gid) if gid else None
        if gid and t is None:
            # a grade_id the assignment does not have: a renamed cell, or another notebook's
            renamed = released.get(_norm(released_text(cell.get("source", ""))))
            if renamed is not None and cell.get("cell_type") == "code":
                renamed_ids.add(renamed.grade_id)
                flags.append(IntegrityFlag("changed_grade_id", f"cell {renamed.grade_id} carries the grade_id "
                                           f"{_shown_id(gid)}; the original was graded"))
                continue
            flags.append(IntegrityFlag("unknown_cell", f"cell {index + 1} has the grade_id {_shown_id(gid)}, which "
                                       "this assignment does not have; it was run as the student's own cell"))
        if t is not None:
            seen[gid] = seen.get(gid, 0) + 1
            if seen[gid] == 1:
                order.append(gid)
            if seen[gid] == 2:
                flags.append(IntegrityFlag("duplicated_cell", f"cell {gid} appears more than once; the instructor's copy was used"))
        if t is not None and t.kind in ("test", "setup", "given", "text"):
            mine = _norm(released_text(cell.get("source", "")) if t.kind == "test" else cell.get("source", ""))
            theirs = _norm(released_text(t.source) if t.kind == "test" else t.source)
            if mine != theirs and seen[gid] == 1:
                kind = "edited_test_cell" if t.kind == "test" else "edited_given_cell"
                flags.append(IntegrityFlag(kind, f"cell {gid} was changed; the original was graded"))
            continue
        if t is not None and t.kind == "written":
            continue
        if cell.get("cell_type") != "code" or not cell.get("source", "").strip():
            continue
        label = gid if (t is not None and t.kind == "solution") else f"added cell {index + 1}"
        student.append(StudentCell(label, cell.source, index, tuple(_defined(cell.source, functions))))
    for t in template.cells:
        if t.kind in ("test", "setup", "given") and t.grade_id not in seen and t.grade_id not in renamed_ids:
            kind = "deleted_test_cell" if t.kind == "test" else "deleted_given_cell"
            flags.append(IntegrityFlag(kind, f"cell {t.grade_id} was deleted; the original was graded"))
    expected = [t.grade_id for t in template.cells if t.grade_id in seen and t.kind in ("test", "given", "setup", "solution")]
    got = [g for g in order if ids[g].kind in ("test", "given", "setup", "solution")]
    if got != expected:
        moved = next((g for g, e in zip(got, expected) if g != e), "")
        flags.append(IntegrityFlag("reordered_cells", f"the assignment's cells are not in their original order "
                                   f"(first out of place: {moved}); cells were run in the submitted order"))
    banned: set[str] = set()
    known = _module_names(template, student)
    for cell in student:
        for flag, culprit in _scan(cell, functions, known):
            flags.append(flag)
            if flag.kind == "tampers_with_grader" or (flag.kind in BANNING and not culprit):
                # the grader's objects, or a cell of its own that imports or opens the
                # grader's files: every function could use what it got
                banned.update(functions)
            elif flag.kind in BANNING:
                banned.update(culprit)
    setup = tuple(t for t in template.cells if t.kind == "setup")
    return Plan(setup, tuple(student), tuple(flags), frozenset(banned))


def _shown_id(gid: str) -> str:
    """A student's grade_id for a message: quoted, and cut when long."""
    return repr(gid) if len(gid) <= 60 else f"{gid[:40]!r}... ({len(gid)} characters)"


def looks_like(nb, templates: dict) -> list[str]:
    """Which assignments' cell ids a notebook carries, best match first."""
    ids = {grade_id(c) for c in nb.cells} - {None}
    scores = {name: len(ids & set(t.by_id())) for name, t in templates.items()}
    return [n for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s > 0]


def _defined(source: str, functions: list[str]) -> list[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):   # ValueError: a NUL byte, on Python 3.11.0-3.11.3
        return [f for f in functions if re.search(rf"^\s*def\s+{f}\s*\(", source, re.M)]
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in functions]


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _module_names(template: Template, student) -> set:
    """Names bound by imports anywhere in the setup or student cells (modules, as a rule)."""
    names = set(PATCHABLE)
    for source in [t.source for t in template.of_kind("setup")] + [c.source for c in student]:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):   # ValueError: a NUL byte, on Python 3.11.0-3.11.3
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.update(a.asname or a.name for a in node.names if a.name != "*")
    return names


def _scan(cell: StudentCell, functions: list[str], modules: set | None = None):
    """Integrity findings in one student cell: (flag, functions it concerns)."""
    modules = modules if modules is not None else set(PATCHABLE)
    try:
        tree = ast.parse(cell.source)
    except (SyntaxError, ValueError):   # ValueError: a NUL byte, on Python 3.11.0-3.11.3
        return []
    owner: dict[int, str] = {}
    for top in tree.body:
        if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(top):
                owner[id(node)] = top.name
    found = []
    reported = set()

    def concern(node):
        name = owner.get(id(node))
        return (name,) if name in functions else tuple(cell.functions)

    def add(kind, detail, node):
        key = (kind, detail)
        if key in reported:
            return
        reported.add(key)
        whose = concern(node)
        found.append((IntegrityFlag(kind, f"{cell.label}: {detail}", whose[0] if len(whose) == 1 else None), whose))

    def patched(target) -> str:
        """The dotted name of a module attribute ``target`` writes, or ''."""
        if isinstance(target, ast.Attribute):
            dotted = _dotted(target)
            return dotted if dotted.split(".")[0] in modules else ""
        if isinstance(target, ast.Subscript):
            inner = target.value
            dotted = _dotted(inner)
            if dotted in ("__builtins__", "sys.modules") or dotted.endswith(".__dict__") and dotted.split(".")[0] in modules:
                return dotted
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "vars" and inner.args:
                arg = _dotted(inner.args[0])
                return f"vars({arg})" if arg.split(".")[0] in modules else ""
        return ""

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    add("forbidden_import", f"imports {alias.name}; no credit for the function that does", node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in FORBIDDEN_MODULES:
            add("forbidden_import", f"imports from {node.module}; no credit for the function that does", node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if text.split(".")[0] in FORBIDDEN_MODULES:
                add("forbidden_import", f"names the module {text[:60]!r} in code; no credit for the function that does", node)
            elif GRADING_PATHS.search(text) or _names_course_folder(text):
                add("reads_grading_files", f"names the grader's files ({text[:80]!r}); no credit for the function "
                    "that does", node)
            elif GRADER_NAMES.match(text):
                add("tampers_with_grader", f"names the grader's object {text[:40]!r}; no auto-graded credit", node)
        elif isinstance(node, ast.Name) and GRADER_NAMES.match(node.id):
            add("tampers_with_grader", f"uses the grader's object {node.id}; no auto-graded credit", node)
        elif isinstance(node, ast.Attribute) and GRADER_NAMES.match(node.attr):
            add("tampers_with_grader", f"uses the grader's object {node.attr}; no auto-graded credit", node)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = (node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target])
            for target in targets:
                for part in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                    what = patched(part)
                    if what:
                        verb = "deletes" if isinstance(node, ast.Delete) else "replaces"
                        add("monkeypatch", f"{verb} {what}" if not isinstance(part, ast.Subscript)
                            else f"writes into {what}", node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and _dotted(node.args[0]).split(".")[0] in modules:
                add("monkeypatch", f"calls {node.func.id} on {_dotted(node.args[0])}", node)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("seterr", "seterrcall", "filterwarnings", "simplefilter", "resetwarnings")
              and _dotted(node.func.value).split(".")[0] in modules):
            add("silences_warnings", f"calls {_dotted(node.func)}; warnings are still checked under numpy's "
                "default error handling", node)
        elif isinstance(node, ast.Call) and _dotted(node.func) in ("__import__", "importlib.import_module",
                                                                  "importlib.util.spec_from_file_location",
                                                                  "runpy.run_path", "runpy.run_module"):
            if node.args and not isinstance(node.args[0], ast.Constant):
                add("dynamic_import", f"imports a module whose name is computed ({_dotted(node.func)})", node)
        if isinstance(node, ast.Attribute):
            key = (_dotted(node.value), node.attr)
            if key in INTROSPECTION:
                add("introspection", INTROSPECTION[key], node)
    return found


def _names_course_folder(text: str) -> bool:
    """Whether a string is (a path inside) the course or repository folder."""
    if "/" not in text and "\\" not in text:
        return False
    from ..paths import course_root
    roots = {str(course_root()), str(Path(__file__).resolve().parents[3])}
    return any(text == r or text.startswith(r.rstrip("/") + "/") for r in roots if len(r) > 1)

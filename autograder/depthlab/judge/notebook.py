"""Read a submission, match it against the instructor's notebook, and plan what to run.

Grading never trusts the student's copy of given or test cells: setup cells
come from the source notebook, test cells are not run at all (the probes
replace them), and what the student changed is reported as integrity flags.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import nbformat

from ..paths import source_notebook
from .results import IntegrityFlag

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M)
FORBIDDEN_MODULES = ("solutions", "depthlab", "autograder")
PATCHABLE = {"np", "numpy", "math", "builtins", "__builtins__", "plt", "matplotlib", "scipy", "sys", "json"}
INTROSPECTION = {("sys", "modules"): "reads sys.modules", ("gc", "get_objects"): "walks gc.get_objects()",
                 ("gc", "get_referrers"): "walks gc.get_referrers()", ("sys", "_getframe"): "inspects stack frames",
                 ("inspect", "stack"): "inspects stack frames", ("inspect", "currentframe"): "inspects stack frames"}


class SubmissionError(ValueError):
    """The file cannot be graded at all; the message says why and what to do."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse a notebook file, turning every way it can be broken into a SubmissionError."""
    path = Path(path)
    if not path.is_file():
        raise SubmissionError(f"{path} does not exist or is not a file")
    raw = path.read_bytes()
    if not raw.strip():
        raise SubmissionError(f"{path.name} is empty")
    if len(raw) > 50_000_000:
        raise SubmissionError(f"{path.name} is {len(raw) // 1_000_000} MB; notebooks over 50 MB are not graded")
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SubmissionError(f"{path.name} is not a notebook: it is not valid JSON ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        raise SubmissionError(f"{path.name} is JSON but not a Jupyter notebook (no list of cells)")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises several types for old or odd files
        raise SubmissionError(f"{path.name} could not be read as a notebook: {exc}") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str):
            cell["source"] = "".join(cell.get("source") or [])
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
    def load(cls, assignment: str, path: Optional[Path] = None) -> "Template":
        nb = read_notebook(path or source_notebook(assignment))
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
    flags: list[IntegrityFlag] = []
    seen: dict[str, int] = {}
    student: list[StudentCell] = []
    for index, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if gid:
            seen[gid] = seen.get(gid, 0) + 1
            if seen[gid] == 2:
                flags.append(IntegrityFlag("duplicated_cell", f"cell {gid} appears more than once; the instructor's copy was used"))
        t = ids.get(gid) if gid else None
        if t is not None and t.kind in ("test", "setup", "given", "text"):
            mine = _norm(released_text(cell.get("source", "")) if t.kind == "test" else cell.get("source", ""))
            theirs = _norm(released_text(t.source) if t.kind == "test" else t.source)
            if mine != theirs and seen[gid] == 1:
                kind = "edited_test_cell" if t.kind == "test" else "edited_given_cell"
                flags.append(IntegrityFlag(kind, f"cell {gid} was changed; the original was graded"))
            continue
        if cell.get("cell_type") != "code" or not cell.get("source", "").strip():
            continue
        label = gid if (t is not None and t.kind == "solution") else f"added cell {index + 1}"
        student.append(StudentCell(label, cell.source, index, tuple(_defined(cell.source, functions))))
    for t in template.cells:
        if t.kind in ("test", "setup", "given") and t.grade_id not in seen:
            kind = "deleted_test_cell" if t.kind == "test" else "deleted_given_cell"
            flags.append(IntegrityFlag(kind, f"cell {t.grade_id} was deleted; the original was graded"))
    banned: set[str] = set()
    for cell in student:
        for flag, culprit in _scan(cell, functions):
            flags.append(flag)
            if flag.kind == "forbidden_import":
                banned.update(culprit)
    setup = tuple(t for t in template.cells if t.kind == "setup")
    return Plan(setup, tuple(student), tuple(flags), frozenset(banned))


def looks_like(nb, templates: dict) -> list[str]:
    """Which assignments' cell ids a notebook carries, best match first."""
    ids = {grade_id(c) for c in nb.cells} - {None}
    scores = {name: len(ids & set(t.by_id())) for name, t in templates.items()}
    return [n for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s > 0]


def _defined(source: str, functions: list[str]) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
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


def _scan(cell: StudentCell, functions: list[str]):
    """Integrity findings in one student cell: (flag, functions it concerns)."""
    try:
        tree = ast.parse(cell.source)
    except SyntaxError:
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

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    add("forbidden_import", f"imports {alias.name}; no credit for the function that does", node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in FORBIDDEN_MODULES:
            add("forbidden_import", f"imports from {node.module}; no credit for the function that does", node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.split(".")[0] in FORBIDDEN_MODULES:
            add("forbidden_import", f"names the module {node.value!r} in code; no credit for the function that does", node)
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and _dotted(target).split(".")[0] in PATCHABLE:
                    add("monkeypatch", f"replaces {_dotted(target)}", node)
                if isinstance(target, ast.Subscript) and _dotted(target.value) in ("__builtins__", "builtins.__dict__", "sys.modules"):
                    add("monkeypatch", f"writes into {_dotted(target.value)}", node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and _dotted(node.args[0]).split(".")[0] in PATCHABLE:
                add("monkeypatch", f"calls {node.func.id} on {_dotted(node.args[0])}", node)
        elif isinstance(node, ast.Attribute):
            key = (_dotted(node.value), node.attr)
            if key in INTROSPECTION:
                add("introspection", INTROSPECTION[key], node)
    return found

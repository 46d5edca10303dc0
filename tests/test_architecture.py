"""The shape of ``autograder/depthlab``: no import cycle, no oversized module.

The import graph is read with :mod:`ast` from the source, not by importing it:
every ``import`` and ``from ... import`` anywhere in a module counts, including
the ones inside functions (an import cycle hidden behind a function-level
import is still a cycle: the two modules cannot be understood, tested or moved
one without the other).  Relative imports are resolved; importing a package
counts as an edge to its ``__init__``; ``from package import name`` counts as
an edge to ``package.name`` when that is a module, else to the package.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "depthlab"
SOURCE = Path(__file__).resolve().parents[1] / "autograder" / PACKAGE

#: the largest module we want (lines)
MAX_LINES = 500

#: modules over MAX_LINES and their line counts: each may only shrink (lower its
#: number here when it does; remove it once under MAX_LINES).  A new module over
#: MAX_LINES, or one of these growing, fails the test.  None today: the check
#: modules keep each group of graded functions in a sibling module
#: (``checks/<assignment>_<group>.py``), the kernel's output collection is in
#: ``judge/kernel_output.py`` and otter's notebooks in ``engines/otter_master.py``.
LARGE_MODULES: dict[str, int] = {}


#: import cycles that may remain, each with why (none today).
ALLOWED_CYCLES: list[tuple[str, ...]] = []


def module_name(path: Path) -> str:
    rel = path.relative_to(SOURCE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    return {module_name(p): p for p in sorted(SOURCE.rglob("*.py"))}


def _resolve(current: str, is_package: bool, level: int, module: str | None) -> str:
    """The absolute name a (possibly relative) ``from`` import refers to."""
    if level == 0:
        return module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports, anywhere in its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()

    def add(dotted: str) -> None:
        # the module itself, or the closest enclosing module of the package that exists
        # (``import depthlab.judge`` is an edge to ``depthlab/judge/__init__.py``)
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in known:
                targets.add(candidate)
                return

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                add(sub if sub in known else base)   # a submodule, or a name from ``base`` itself
    targets.discard(name)
    return {t for t in targets if t.split(".")[0] == PACKAGE}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan): the
    groups of modules that import each other, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A closed path inside ``component``, from its first module back to it."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        nexts = sorted(w for w in graph[path[-1]] if w in members)
        back = [w for w in nexts if w == start]
        if back and len(path) > 1:
            return path + [start]
        fresh = [w for w in nexts if w not in seen]
        w = fresh[0] if fresh else nexts[0]
        if w in seen:   # closed a loop not through start: report that loop
            return path[path.index(w):] + [w]
        path.append(w)
        seen.add(w)


def test_the_graph_reads_every_kind_of_import(tmp_path, monkeypatch):
    """Does the graph see imports inside functions, relative and absolute ones, and
    ``from package import module``, and does it find the cycle they make?"""
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\n")
    (pkg / "sub" / "b.py").write_text("import os\nfrom . import c\n")
    (pkg / "sub" / "c.py").write_text("def g():\n    import depthlab.a\n    from .. import sub\n")
    monkeypatch.setattr(sys.modules[__name__], "SOURCE", pkg)
    graph = import_graph()
    assert graph[f"{PACKAGE}.a"] == {f"{PACKAGE}.sub.b"}
    assert graph[f"{PACKAGE}.sub.b"] == {f"{PACKAGE}.sub.c"}
    assert graph[f"{PACKAGE}.sub.c"] == {f"{PACKAGE}.a", f"{PACKAGE}.sub"}
    cycles = find_cycles(graph)
    assert cycles == [[f"{PACKAGE}.a", f"{PACKAGE}.sub.b", f"{PACKAGE}.sub.c"]]
    assert _one_cycle(graph, cycles[0]) == [f"{PACKAGE}.a", f"{PACKAGE}.sub.b", f"{PACKAGE}.sub.c", f"{PACKAGE}.a"]


def test_no_import_cycle():
    """Does any module of depthlab import itself back, directly or through others,
    counting imports inside functions?"""
    graph = import_graph()
    allowed = {tuple(sorted(a)) for a in ALLOWED_CYCLES}
    tangles = [c for c in find_cycles(graph) if tuple(c) not in allowed]
    assert not tangles, "import cycles (modules that import each other, directly or through others):\n" + "\n".join(
        f"  {', '.join(c)}\n    e.g. {' -> '.join(_one_cycle(graph, c))}" for c in tangles)


def test_no_module_over_500_lines():
    """Is every module at most MAX_LINES lines, except the listed ones, which may
    only shrink?"""
    problems = []
    for name, path in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        allowed = LARGE_MODULES.get(name, MAX_LINES)
        if lines > allowed:
            problems.append(f"{path.relative_to(SOURCE.parent)}: {lines} lines (at most {allowed}"
                            + (", its count on the allow-list)" if name in LARGE_MODULES else ")"))
    assert not problems, "modules too long (split them):\n  " + "\n  ".join(problems)


#: the places our code may write the environment, each with why
ENVIRONMENT_WRITERS = {
    # the lock's holder token, read by nbgrader's exporter run under it (courselock.CourseLockExporter)
    "depthlab.courselock",
    # puts the venv's bin folder (jupyter, nbgrader, otter) on PATH for the tools we start
    "depthlab.tools",
    # a kernel forked from the fork server sets its own environment (it is the kernel
    # process, before any student code); not imported by depthlab, run as the bootstrap
    "depthlab.judge.sandbox_fork",
    # a worker forked from multiprocessing's fork server takes the batch's environment as
    # a spawned one would have it (dispatch._start, in the worker process, first thing)
    "depthlab.classgrade.dispatch",
}


def _writes_environment(tree: ast.AST) -> list[int]:
    """Lines that assign, update or delete ``os.environ`` entries."""
    def is_environ(node) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"
    lines = []
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                   else node.targets if isinstance(node, ast.Delete) else [])
        if any(isinstance(t, ast.Subscript) and is_environ(t.value) for t in targets):
            lines.append(node.lineno)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_environ(node.func.value)
                and node.func.attr in ("update", "setdefault", "pop", "clear", "__setitem__")):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "putenv":
            lines.append(node.lineno)
    return sorted(lines)


def test_the_course_root_and_limits_are_arguments_not_the_environment():
    """Our code never writes the environment to carry the course root or the limits
    (DEPTHLAB_ROOT is the user's to set), and the engines keep no state of their own
    at module level (no ``global`` statement)."""
    problems = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name not in ENVIRONMENT_WRITERS:
            problems += [f"{name}:{line} writes os.environ" for line in _writes_environment(tree)]
        if name.startswith(f"{PACKAGE}.engines."):
            problems += [f"{name}:{n.lineno} global {', '.join(n.names)}" for n in ast.walk(tree)
                         if isinstance(n, ast.Global)]
    assert not problems, "\n".join(problems)


def test_the_environment_check_sees_each_way_of_writing_it():
    code = ("import os\nos.environ['A'] = '1'\nos.environ.update(B='2')\nos.environ.setdefault('C', '3')\n"
            "del os.environ['A']\nos.putenv('D', '4')\nx = os.environ.get('E')\n")
    assert _writes_environment(ast.parse(code)) == [2, 3, 4, 5, 6]

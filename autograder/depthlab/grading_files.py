"""Which files grading needs: the depthlab modules (followed through their imports,
function-level ones too), the files they read next to themselves, and the
assignment's reference.  One list serves the Gradescope wheel
(:mod:`depthlab.engines.otter_assign`) and the class store's fingerprint
(:mod:`depthlab.classgrade.store`), so a stored grade is redone exactly when a
file the grading wheel would carry changes.
"""
from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path
from typing import Optional


def package_root() -> Path:
    """The folder holding the ``depthlab`` package (``autograder/`` in the repository)."""
    return Path(__file__).resolve().parents[1]


#: where grading starts on Gradescope: the plugin (the checks and the reference are added per assignment)
GRADING_ENTRY = ("depthlab.engines.otter_plugin",)


def grading_modules(assignment: str, root: Optional[Path] = None) -> list[str]:
    """The depthlab modules grading needs: the plugin, this assignment's checks and
    fixtures (a course's own: followed, not listed), and everything they import from
    depthlab (followed through the source, function-level imports included), with their packages."""
    from .judge.prepare import load_spec
    from .checks.registry import checks_module
    spec = load_spec(assignment, root)
    pkg_root = package_root()
    todo = [*GRADING_ENTRY, checks_module(assignment, root).__name__, *filter(None, [spec.fixture_module])]
    seen: list[str] = []
    while todo:
        name = todo.pop()
        path = _module_file(pkg_root, name) or _course_file(name)
        if name in seen or path is None:
            continue
        seen.append(name)
        parts = name.split(".")
        todo += [".".join(parts[:k]) for k in range(1, len(parts))]      # the packages above it
        package = name if path.name == "__init__.py" else ".".join(parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.split(".")[0] == "depthlab"]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                if base.split(".")[0] != "depthlab":
                    continue
                todo.append(base)
                todo += [f"{base}.{a.name}" for a in node.names]   # submodules named in "from x import y"
    return sorted(n for n in seen if n.split(".")[0] == "depthlab")


def _course_file(name: str) -> Optional[Path]:
    """The file of a course's module (imported by load_spec), or None."""
    path = getattr(sys.modules.get(name), "__file__", None) if name.startswith("depthlab_course_") else None
    return Path(path) if path else None


def _module_file(pkg_root: Path, name: str) -> Optional[Path]:
    base = pkg_root.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


#: a string literal that is a file name ("sandbox_boot.py"); read from the text, not the
#: syntax tree (a second walk of every module's tree costs a second a run): a match in a
#: comment only adds a file that exists next to the module anyway
_FILE_NAME = re.compile(r"""["']([\w-][\w.-]{0,200}\.\w+)["']""")


def sibling_files(module: Path) -> list[Path]:
    """Files next to ``module`` that its code names in a string (``Path(__file__).with_name
    ("sandbox_boot.py")``): it reads them at run time, so the wheel needs them too."""
    names = set(_FILE_NAME.findall(module.read_text(encoding="utf-8")))
    return sorted(module.parent / n for n in names if (module.parent / n).is_file() and module.parent / n != module)


def wheel_files(assignment: str, root: Optional[Path] = None) -> dict:
    """``{path in the wheel: bytes}``: depthlab's grading modules (see
    :func:`grading_modules`; this assignment's checks only), the files they read
    next to themselves (:func:`sibling_files`), and the assignment's reference
    solution (the judge runs it in the grading process; a course's own travels in COURSE_DIR)."""
    from .judge.prepare import load_spec
    spec = load_spec(assignment, root)
    pkg_root = package_root()
    files = {}
    for name in grading_modules(assignment, root):
        path = _module_file(pkg_root, name)
        for path in [path, *sibling_files(path)]:
            files[path.relative_to(pkg_root).as_posix()] = path.read_bytes()
    if spec.reference_module.startswith("depthlab_course_"):
        return files
    ref = importlib.import_module(spec.reference_module)
    ref_path = Path(ref.__file__)
    parts = spec.reference_module.split(".")
    for k in range(1, len(parts)):
        init = ref_path.parents[len(parts) - 1 - k] / "__init__.py"
        files["/".join(parts[:k]) + "/__init__.py"] = init.read_bytes() if init.exists() else b""
    files["/".join(parts) + ".py"] = ref_path.read_bytes()
    return files

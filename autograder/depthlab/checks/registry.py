"""Where an assignment's checks come from: the package's own, or a course directory's.

The four assignments of this repository are registered in
:data:`depthlab.checks.ASSIGNMENTS` and live in this package.  A course
directory can carry assignments of its own without editing the installed
package (see ``autograder/README.md``, "Adding an assignment")::

    <course>/checks/__init__.py     ASSIGNMENTS = ("toy_regression",)
    <course>/checks/toy_regression.py      SPEC = AssignmentSpec(name="toy_regression",
                                        reference_module="solutions.toy_regression", ...)
    <course>/solutions/toy_regression.py   the reference

Module names in a course's ``SPEC`` (``reference_module``, ``fixture_module``)
are relative to the course root.  The course folder is imported as a package
named after its path (:func:`course_package`), so the ordinary import machinery
works for it (relative imports between its checks, ``inspect.getsource`` of the
mistake catalogue, one import per process) and two courses never share a module.
The course root is always an argument: nothing here reads the environment.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Optional

from . import ASSIGNMENTS

#: the folder of a course holding its own checks (a package: its __init__.py registers them)
CHECKS = "checks"


def course_package(root: Path) -> str:
    """The name the course at ``root`` is imported under (made on first use).

    A package whose only search location is the course root: ``<name>.checks.toy``
    is ``<root>/checks/toy.py``, ``<name>.solutions.toy`` is ``<root>/solutions/toy.py``.
    """
    root = Path(root).resolve()
    name = "depthlab_course_" + hashlib.sha256(str(root).encode()).hexdigest()[:12]
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(root)]
        module = importlib.util.module_from_spec(spec)
        module.__doc__ = f"the depthlab course at {root}"
        sys.modules[name] = module
    return name


def course_assignments(root: Optional[Path]) -> tuple:
    """The assignments ``<root>/checks/__init__.py`` registers (``ASSIGNMENTS``); () without one."""
    if root is None or not (Path(root) / CHECKS / "__init__.py").is_file():
        return ()
    return tuple(importlib.import_module(f"{course_package(root)}.{CHECKS}").ASSIGNMENTS)


def assignments(root: Optional[Path] = None) -> list[str]:
    """Every assignment with checks: the package's and the course's at ``root``, sorted."""
    return sorted(set(ASSIGNMENTS) | set(course_assignments(root)))


def checks_module(assignment: str, root: Optional[Path] = None) -> Optional[ModuleType]:
    """The module defining ``assignment``'s ``SPEC`` (the course's first), or None."""
    if assignment in course_assignments(root):
        return importlib.import_module(f"{course_package(root)}.{CHECKS}.{assignment}")
    if assignment in ASSIGNMENTS:
        return importlib.import_module(f"{__package__}.{assignment}")
    return None


def spec_of(module: ModuleType):
    """The module's ``SPEC``; a course's with its module names made importable
    (``solutions.toy`` -> ``depthlab_course_<id>.solutions.toy``)."""
    spec = module.SPEC
    package = module.__name__.split(".")[0]
    if package == "depthlab":
        return spec
    absolute = lambda name: f"{package}.{name}" if name else name   # noqa: E731
    return replace(spec, reference_module=absolute(spec.reference_module),
                   fixture_module=absolute(spec.fixture_module))


def course_files(assignment: str, root: Optional[Path]) -> dict:
    """``{path under the course: bytes}``: what grading ``assignment`` needs from the course
    (a checks package registering it alone, its checks, fixtures and reference); {} for
    the package's own assignments.  The Gradescope zip carries them (the otter plugin's
    ``course`` folder), so the zip grades with one assignment's checks."""
    module = checks_module(assignment, root) if assignment in course_assignments(root) else None
    if module is None:
        return {}
    spec = spec_of(module)
    files = {f"{CHECKS}/__init__.py": f"ASSIGNMENTS = ({assignment!r},)\n".encode(),
             f"{CHECKS}/{assignment}.py": Path(module.__file__).read_bytes()}
    prefix = module.__name__.split(".")[0] + "."
    for name in (spec.fixture_module, spec.reference_module):
        if name:
            path = Path(importlib.import_module(name).__file__)
            files[name[len(prefix):].replace(".", "/") + ".py"] = path.read_bytes()
    return files

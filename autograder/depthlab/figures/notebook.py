"""The notebooks' own definitions, for the chapter's figures: one definition, used by both.

A figure that shows a notebook's experiment (the cliff, the valley, repeated
Jacobians, the compositions of ps4) does not define the loss, the start or the
rates again: :func:`state` runs the assignment's **source** notebook (the
instructor's, whose solution cells hold the reference) up to a cell and hands
back the names the notebook defined there.  A change in the notebook then
changes the figure, and ``tests/test_figures.py`` (committed figures against
fresh ones) says the figure is stale.

Why our own runner and not nbclient: the figures need the notebook's Python
objects (functions, arrays), not its outputs, and run in the grading process's
own Python with the Agg backend; ``exec`` of the code cells in one namespace is
exactly "run all" for that.  Public test cells are skipped (they assert, draw
nothing and define nothing a figure reads); IPython magics are not used by the
notebooks and are refused.
"""
from __future__ import annotations

import contextlib
import functools
import io
import warnings
from pathlib import Path
from typing import Optional

import nbformat

from ..paths import course_root, source_notebook


class NotebookDefinitionError(RuntimeError):
    """The notebook does not have the cell a figure reads, or a cell failed."""


def _is_test_cell(cell) -> bool:
    meta = cell.metadata.get("nbgrader") or {}
    return bool(meta.get("grade")) and not meta.get("solution")


@functools.lru_cache(maxsize=None)
def _run(assignment: str, upto: str, root: str) -> dict:
    """Snapshots of the namespace after each code cell, up to and including ``upto``."""
    import matplotlib
    matplotlib.use("Agg")   # the notebook's plt.show() then draws nowhere
    import matplotlib.pyplot as plt
    path = source_notebook(assignment, Path(root))
    nb = nbformat.read(str(path), as_version=4)
    if upto not in {c.get("id") for c in nb.cells}:
        raise NotebookDefinitionError(f"{path} has no cell {upto!r}: the chapter's figure reads its definitions there")
    namespace: dict = {"__name__": f"{assignment}_notebook"}
    snapshots = {}
    try:
        for cell in nb.cells:
            if cell.cell_type != "code" or _is_test_cell(cell):
                continue
            if any(line.lstrip().startswith(("%", "!")) for line in cell.source.splitlines()):
                raise NotebookDefinitionError(f"{path}: cell {cell.get('id')!r} uses IPython syntax")
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")   # its printed tables and warnings are the student's to read
                try:
                    exec(compile(cell.source, f"{path.name}:{cell.get('id')}", "exec"), namespace)
                except Exception as exc:
                    raise NotebookDefinitionError(f"{path}: cell {cell.get('id')!r} failed: "
                                                  f"{type(exc).__name__}: {exc}") from exc
            snapshots[cell.get("id")] = dict(namespace)
            if cell.get("id") == upto:
                break
    finally:
        plt.close("all")
    return snapshots


def state(assignment: str, cell: str, *, upto: Optional[str] = None, root: Optional[Path] = None) -> dict:
    """The names the source notebook of ``assignment`` has defined once cell ``cell`` ran.

    ``upto``: run that far (a later cell), so that two figures reading the same
    notebook share one run."""
    snapshots = _run(assignment, upto or cell, str(Path(root or course_root()).resolve()))
    if cell not in snapshots:
        raise NotebookDefinitionError(f"{assignment}: no code cell {cell!r} before {upto or cell!r}")
    return snapshots[cell]

"""The otter student notebook (the Gradescope version) in a real JupyterLab.

For every assignment with an otter student folder (``assignments/<a>/student/``:
the notebook and its ``tests/``), a copy of the folder is served with the
notebook renamed to ``my_<a>.ipynb``, since students rename their copies and
``grader.check`` must not care. Blank, run cell by cell, does every
``grader.check("<function>")`` report its function's public tests as failing
with NotImplementedError? With the reference answers filled in, does "Run All"
pass every check and draw every figure? Screenshots (a failing and a passing
check, the figures) go to ``test-artifacts/browser/otter/<a>/``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from depthlab.engines.otter_assign import student_notebook_path
from depthlab.judge.prepare import known_assignments

#: A cell that is one ``grader.check("<function>")`` call.
CHECK = re.compile(r"""grader\.check\(\s*["'](\w+)["']\s*\)""")
#: What otter 7 shows under a check: ``<fn> passed!`` or ``<fn> results: ... Test case failed``.
PASSED = r"{}\s+passed!"
FAILED = "Test case failed"


def otter_notebooks() -> list[Path]:
    """``assignments/<a>/student/<a>.ipynb`` of every registered assignment (a missing one fails its test)."""
    return [student_notebook_path(a) for a in known_assignments()]


NOTEBOOKS = otter_notebooks()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("otter_nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS]),
]


def copy_student_folder(otter_nb: Path, dest: Path) -> Path:
    """Copy the student folder of ``otter_nb`` to ``dest`` with the notebook
    renamed ``my_<a>.ipynb``; return the renamed notebook."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(otter_nb.parent, dest)
    renamed = dest / f"my_{otter_nb.stem}.ipynb"
    (dest / otter_nb.name).rename(renamed)
    return renamed


@pytest.fixture
def otter_blank(lab, otter_nb) -> Path:
    """The otter student folder as handed out, under ``lab.root``."""
    return copy_student_folder(otter_nb, lab.root / "otter" / "blank" / otter_nb.stem)


@pytest.fixture
def otter_reference(lab, otter_nb, fill_in_reference) -> Path:
    """The otter student folder with the reference answers in the notebook's
    solution cells (and the source notebook's model answers in its
    written-answer cells), under ``lab.root``."""
    notebook = copy_student_folder(otter_nb, lab.root / "otter" / "reference" / otter_nb.stem)
    return fill_in_reference(notebook, otter_nb.stem)


@pytest.fixture
def shots(artifacts, otter_nb) -> Path:
    """``test-artifacts/browser/otter/<a>/``."""
    return artifacts / "otter" / otter_nb.stem


def check_cells(cells) -> dict[str, object]:
    """``{function: cell}`` of the ``grader.check`` cells."""
    found = {}
    for cell in cells:
        match = CHECK.fullmatch(cell.source.strip()) if cell.type == "code" else None
        if match:
            assert match[1] not in found, f"two grader.check({match[1]!r}) cells"
            found[match[1]] = cell
    return found


def expected_checks(notebook: Path, cells) -> set[str]:
    """The functions that need a check: one per solution cell, and one per
    test file in the notebook's ``tests/`` (they must be the same)."""
    solutions = {c.grade_id.removeprefix("solution_") for c in cells
                 if c.type == "code" and (c.nbgrader or {}).get("solution")}
    test_files = {p.stem for p in (notebook.parent / "tests").glob("*.py")}
    assert solutions == test_files, (
        f"solution cells {sorted(solutions)} and otter test files {sorted(test_files)} differ"
    )
    return solutions


def describe(cells) -> str:
    """One line per cell: its first error, else what it wrote to stderr."""
    return "; ".join(
        f"cell {c.index}{f' ({c.grade_id})' if c.nbgrader else ''}: "
        + (f"{c.errors[0]['ename']}: {c.errors[0]['evalue']}" if c.errors else f"stderr {c.stderr[:200]!r}")
        for c in cells
    )


def test_otter_blank_checks_fail_readably(open_notebook, otter_blank, shots):
    """Blank, run cell by cell: does grader.check work under the new name, and
    does each check report its function's tests failing with
    NotImplementedError (not crash, not pass)?"""
    notebook = open_notebook(otter_blank, start_kernel_first=True)
    notebook.run_each()
    cells = notebook.cells()

    init = cells[0]
    assert "otter.Notebook(" in init.source and not init.errors, (
        f"the first cell should set up otter without an error: {init.output_text[-400:]!r}"
    )
    checks = check_cells(cells)
    assert set(checks) == expected_checks(otter_blank, cells), (
        f"grader.check cells {sorted(checks)} do not match the functions to write"
    )
    for fn, cell in checks.items():
        shown = cell.output_text
        assert cell.execution_count is not None, f"grader.check({fn!r}) did not run"
        assert not cell.errors, f"grader.check({fn!r}) itself raised: {describe([cell])}"
        assert FAILED in shown and fn in shown, (
            f"grader.check({fn!r}) on the blank notebook should show {fn}'s tests failing: {shown[-400:]!r}"
        )
        assert "NotImplementedError" in shown, (
            f"grader.check({fn!r}) does not say the function is not written yet: {shown[-400:]!r}"
        )
        test_lines = {line.strip() for line in (otter_blank.parent / "tests" / f"{fn}.py").read_text().splitlines()}
        assert any(line.strip() in test_lines for line in shown.splitlines() if len(line.strip()) > 10), (
            f"grader.check({fn!r}) does not quote the public test that failed: {shown[-400:]!r}"
        )
        assert not re.search(PASSED.format(re.escape(fn)), shown), f"grader.check({fn!r}) passed a blank: {shown!r}"

    first = next(iter(checks.values()))
    shutil.rmtree(shots / "blank", ignore_errors=True)
    notebook.screenshot_output(first, shots / "blank" / f"check_{first.index:02d}_fails.png")


def test_otter_reference_checks_pass_and_draw(open_notebook, otter_reference, shots):
    """With the reference answers, does Run All finish without an error, does
    every grader.check pass, and does every figure render?"""
    notebook = open_notebook(otter_reference, start_kernel_first=True)
    ok = notebook.run_all()
    cells = notebook.cells()

    failing = [c for c in cells if c.errors]
    assert ok and not failing, f"cells raised with the reference answers: {describe(failing)}"
    unrun = [c.index for c in cells if c.type == "code" and c.execution_count is None]
    assert not unrun, f"cells not run: {unrun}"
    noisy = [c for c in cells if c.stderr]
    assert not noisy, f"cells wrote to stderr: {describe(noisy)}"

    checks = check_cells(cells)
    assert set(checks) == expected_checks(otter_reference, cells), (
        f"grader.check cells {sorted(checks)} do not match the functions to write"
    )
    not_passing = {
        fn: c.output_text[-400:] for fn, c in checks.items()
        if not re.search(PASSED.format(re.escape(fn)), c.output_text) or FAILED in c.output_text
    }
    assert not not_passing, f"grader.check did not pass the reference answers: {not_passing}"

    drawing = [c for c in cells if c.draws]
    assert drawing, "no given cell draws a figure"
    blank = [c.grade_id for c in drawing if c.png_outputs == 0]
    assert not blank, f"given cells that draw showed no figure: {blank}"
    for cell in cells:
        if cell.images:
            assert all(i["loaded"] and i["width"] > 50 and i["height"] > 50 for i in cell.images), (
                f"{cell.grade_id}: a figure did not render in the page: {cell.images}"
            )
            assert len(cell.images) == cell.png_outputs, (
                f"{cell.grade_id}: {cell.png_outputs} PNG outputs, {len(cell.images)} shown"
            )

    folder = shots / "reference"
    shutil.rmtree(folder, ignore_errors=True)
    first = next(iter(checks.values()))
    notebook.screenshot_output(first, folder / f"check_{first.index:02d}_passes.png")
    saved = []
    for cell in (c for c in drawing if c.images):
        saved += notebook.screenshot_images(cell, folder, f"{cell.index:02d}_{cell.grade_id}")
    assert saved and all(p.stat().st_size > 1000 for p in saved)

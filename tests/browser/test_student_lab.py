"""The student's experience of each release notebook, in a real JupyterLab.

For every released assignment: does the blank notebook, run cell by cell,
fail each public test with a readable NotImplementedError? And once the
reference answers are filled in, does "Run All" pass every public test, draw
every figure, and does nbgrader's Validate button say "Success!"? And does
the lab, once stopped, leave no kernel running?
"""
from __future__ import annotations

import json
import os
import re
import signal
import shutil
import urllib.request

import pytest

from depthlab.lab import alive, descendants, free_port, start_lab, stop_lab, wait_until_up

#: A given cell that draws: it calls pyplot or a plotting function of the
#: assignment (``plot_descent``, ``plot_paths``, ...).
DRAWS = re.compile(r"\bplt\.(show|subplots|subplot|figure|plot|imshow)\(|\bplot_\w+\(")


def figure_cells(cells):
    """The given (locked, non-setup) cells whose code draws."""
    return [c for c in cells if c.is_given and "setup" not in c.tags and DRAWS.search(c.source)]


def describe(cells) -> str:
    """One line per cell: its first error, else what it wrote to stderr."""
    return "; ".join(
        f"{c.grade_id}: {c.errors[0]['ename']}: {c.errors[0]['evalue']}"
        if c.errors
        else f"{c.grade_id}: stderr {c.stderr[:200]!r}"
        for c in cells
    )


@pytest.mark.browser
def test_blank_notebook_fails_public_tests_readably(open_notebook, blank_notebook):
    """Run cell by cell, does every public test of the blank release fail
    with NotImplementedError, naming the function still to be written, and
    does Validate say which cell failed?"""
    notebook = open_notebook(blank_notebook)

    assert notebook.run_all() is False, "Run All on the blank notebook should stop at a failing public test"
    first_failure = next(c for c in notebook.cells() if c.errors)
    assert first_failure.is_test, f"Run All first stopped at {first_failure.grade_id}, not at a public test cell"

    notebook.run_each()
    cells = notebook.cells()
    tests = [c for c in cells if c.is_test]
    assert tests, "the release notebook has no test cells (nbgrader grade: true)"
    for cell in tests:
        assert cell.execution_count is not None, f"{cell.grade_id} did not run"
        enames = [e["ename"] for e in cell.errors]
        assert enames == ["NotImplementedError"], (
            f"{cell.grade_id} on the blank notebook should fail with NotImplementedError, got {enames or 'no error'}: "
            f"{cell.output_text[-400:]!r}"
        )
        shown = cell.output_text
        assert "NotImplementedError" in shown, f"{cell.grade_id}: the error is not shown: {shown[-400:]!r}"
        function = cell.grade_id.removeprefix("test_")
        if cell.grade_id.startswith("test_"):
            assert function in shown, f"{cell.grade_id}: the traceback does not name {function}: {shown[-400:]!r}"

    title, verdict = notebook.validate()
    assert title == "Validation Results", f"Validate showed {title!r}: {verdict[:500]}"
    assert verdict.startswith("The following cell failed"), f"Validate did not fail the blank notebook: {verdict[:500]}"
    assert "NotImplementedError" in verdict, f"Validate's verdict does not show the error: {verdict[:500]}"


@pytest.mark.browser
def test_reference_answers_pass_draw_and_validate(open_notebook, reference_notebook, artifacts):
    """With the reference functions in the solution cells, does Run All pass
    every public test without an error or a warning, render every figure, and
    does Validate report success? Screenshots of the figures are kept."""
    notebook = open_notebook(reference_notebook)

    ok = notebook.run_all()
    cells = notebook.cells()
    failing = [c for c in cells if c.errors]
    assert ok and not failing, f"cells raised with the reference answers: {describe(failing)}"
    unrun = [c.grade_id for c in cells if c.type == "code" and c.execution_count is None]
    assert not unrun, f"cells not run: {unrun}"
    noisy = [c for c in cells if c.stderr]
    assert not noisy, f"cells wrote to stderr (warnings cost points in nbgrader): {describe(noisy)}"

    drawing = figure_cells(cells)
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

    shots = artifacts / reference_notebook.stem
    shutil.rmtree(shots, ignore_errors=True)
    saved = []
    for cell in (c for c in cells if c.images):
        saved += notebook.screenshot_images(cell, shots, f"{cell.index:02d}_{cell.grade_id}")
    assert saved and all(p.stat().st_size > 1000 for p in saved)

    title, verdict = notebook.validate()
    assert title == "Validation Results", f"Validate showed {title!r}: {verdict[:500]}"
    assert verdict.startswith("Success!"), f"Validate did not pass the reference answers: {verdict[:800]}"


@pytest.mark.slow
def test_stopping_the_lab_leaves_no_kernel_behind(tmp_path):
    """Does stop_lab (what lab_server does on exit) end a hung server and every
    kernel it started, although kernels run in process groups of their own?"""
    token, port = "t" * 32, free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: str(tmp_path / k) for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    with open(tmp_path / "lab.log", "w") as log:
        proc = start_lab(tmp_path, port=port, ip="127.0.0.1", token=token, quiet=True, env=env,
                         new_process_group=True, stdout=log)
        try:
            wait_until_up(url, token, proc, timeout=90)
            for _ in range(2):
                request = urllib.request.Request(f"{url}/api/kernels", data=b"{}", method="POST",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=60) as resp:
                    assert json.load(resp)["id"]
            started = descendants(proc.pid)
            assert len(started) >= 2, f"expected two kernels under the server, found {started}"
            os.kill(proc.pid, signal.SIGSTOP)  # a hung server: it cannot shut its kernels down
        finally:
            stop_lab(proc, timeout=2)
    left = [pid for pid, since in started if alive(pid, since)]
    assert proc.poll() is not None
    assert not left, f"kernels still running after stop_lab: {left}"

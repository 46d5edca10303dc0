"""Adding an assignment, exactly as ``autograder/README.md`` ("Adding an assignment") says.

The guide's blocks are its files: each ```` ``` ```` block under a
``<!-- file PATH -->`` comment is written to PATH in a temporary course folder,
each block under a ``<!-- cell ... -->`` comment becomes a cell of the source
notebook, with the nbgrader metadata of the guide's "Notebook conventions"
table.  The course is then released, validated and graded with the guide's
own commands, run in the course folder (the installed package is not touched,
and no DEPTHLAB_ROOT is set): the reference earns every point, the blank
release none, and the guide's typical mistake (from the checks' own
catalogue, not written again here) loses its function's points with its hint,
through the nbgrader engine and the otter engine alike.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from depthlab.checks.registry import checks_module
from depthlab.judge.prepare import UnknownAssignment, grade_namespace, known_assignments, load_spec

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "autograder" / "README.md"
BIN = Path(sys.executable).parent
NAME = "toy_mse"
BLOCK = re.compile(r"<!-- (file|cell) ([^>]*?) -->\n```\w*\n(.*?)\n```", re.S)
MISTAKE_HINT = "the factor 2 is missing"


def guide_blocks() -> list[tuple[str, list[str], str]]:
    """(file|cell, the comment's words, the block's text) of every marked block, in order."""
    return [(kind, words.split(), body + "\n") for kind, words, body in BLOCK.findall(GUIDE.read_text())]


def notebook_cell(words: list[str], source: str):
    """A cell as the guide's comment describes it: ``markdown``, or a grade id (``given_*``,
    ``solution_*``, ``test_*``) with ``setup`` and ``points=P`` (the conventions table)."""
    source = source.rstrip("\n")
    if words[0] == "markdown":
        return nbformat.v4.new_markdown_cell(source)
    gid, rest = words[0], words[1:]
    kind = gid.split("_")[0]
    meta = {"grade": kind == "test", "grade_id": gid, "locked": kind != "solution", "schema_version": 3,
            "solution": kind == "solution", "task": False}
    points = [w.split("=", 1)[1] for w in rest if w.startswith("points=")]
    if points:
        meta["points"] = float(points[0])
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": meta})
    if "setup" in rest:
        cell.metadata["tags"] = ["setup"]
    return cell


def build_course(root: Path) -> dict:
    """The guide's course in ``root``; returns the lines each part took."""
    lines = {"notebook cells": 0}
    cells = []
    for kind, words, body in guide_blocks():
        if kind == "file":
            path = root / words[0]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body)
            lines[words[0]] = body.count("\n")
        else:
            cells.append(notebook_cell(words, body))
            lines["notebook cells"] += body.count("\n")
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11"}})
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    path = root / "source" / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))
    return lines


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "mycourse"
    root.mkdir()
    build_course(root)
    return root


def the_mistake(root: Path):
    """The guide's typical mistake of ``mse_grad``, from the course's own catalogue."""
    spec = load_spec(NAME, root)
    test = next(t for t in spec.tests if t.function == "mse_grad")
    (mistake,) = [m for m in test.mistakes if MISTAKE_HINT in m.hint]
    return mistake


# --------------------------------------------------------------------------- in-process: the checks

def test_the_guide_has_a_two_function_assignment_with_its_files():
    kinds = [(kind, words[0]) for kind, words, _ in guide_blocks()]
    files = {w for k, w in kinds if k == "file"}
    assert files == {"nbgrader_config.py", "solutions/toy_mse.py", "checks/toy_mse.py", "checks/__init__.py"}
    assert [w for k, w in kinds if k == "cell" and w.startswith("solution_")] == ["solution_mse", "solution_mse_grad"]


def test_a_course_registers_its_own_assignment_without_the_package(course):
    assert NAME in known_assignments(course)
    assert NAME not in known_assignments()           # the installed package is unchanged
    with pytest.raises(UnknownAssignment):
        load_spec(NAME)
    spec = load_spec(NAME, course)
    assert [t.function for t in spec.tests] == ["mse", "mse_grad"] and spec.max_score == 3
    assert Path(checks_module(NAME, course).__file__) == course.resolve() / "checks" / f"{NAME}.py"
    # the package's own assignments are found as before, with or without a course
    assert set(known_assignments(course)) - {NAME} == set(known_assignments())


def test_the_checks_pass_the_reference_and_catch_each_catalogued_mistake(course):
    spec = load_spec(NAME, course)
    reference = __import__(spec.reference_module, fromlist=["mse"])
    namespace = {"np": __import__("numpy"), "mse": reference.mse, "mse_grad": reference.mse_grad}
    assert all(r.passed and r.points == r.max_points for r in grade_namespace(NAME, namespace, root=course))
    for test in spec.tests:
        assert len(test.mistakes) >= 1
        for mistake in test.mistakes:
            wrong = dict(namespace)
            exec(compile(mistake.source(), f"<{mistake.name}>", "exec"), wrong)
            (result,) = grade_namespace(NAME, wrong, only={test.function}, root=course)
            assert result.points < result.max_points, mistake.name
            assert f"Hint: {mistake.hint}" in result.message, (mistake.name, result.message)


# --------------------------------------------------------------------------- the guide's commands

def depthlab(course: Path, *args: str) -> subprocess.CompletedProcess:
    """``depthlab ARGS`` run in the course folder, as the guide says (no DEPTHLAB_ROOT)."""
    env = {k: v for k, v in os.environ.items() if k != "DEPTHLAB_ROOT"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(BIN / "depthlab"), *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=900)


def submissions(course: Path) -> dict:
    """The reference (the source notebook), the blank release, and the release with
    ``mse`` solved and ``mse_grad`` written as the guide's typical mistake."""
    source = course / "source" / NAME / f"{NAME}.ipynb"
    release = course / "release" / NAME / f"{NAME}.ipynb"
    solved = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(str(source), 4).cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(release), 4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "solution_mse":
            cell.source = solved[gid]
        elif gid == "solution_mse_grad":
            cell.source = the_mistake(course).source()
    mistake = course / "mistake.ipynb"
    nbformat.write(nb, str(mistake))
    return {"reference": source, "blank": release, "mistake": mistake}


@pytest.mark.slow
@pytest.mark.timeout(1200)   # 427 s in all at a load average of about 9 on 2 cores: release 124 s, validate 87 s,
                             # grade 103 s (nbgrader) and 55 s (otter), each `depthlab` starting afresh
def test_release_validate_and_grade_the_new_assignment_with_both_engines(course):
    done = depthlab(course, "release", NAME)
    assert done.returncode == 0, done.stderr
    assert (course / "release" / NAME / f"{NAME}.ipynb").is_file()
    zip_path = course / "assignments" / NAME / "autograder" / f"{NAME}-autograder.zip"
    from depthlab.engines.otter_assign import zip_entries
    entries = zip_entries(zip_path)
    assert {"depthlab/course/checks/toy_mse.py", "depthlab/course/solutions/toy_mse.py"} <= set(entries)
    assert entries["depthlab/course/checks/__init__.py"] == b"ASSIGNMENTS = ('toy_mse',)\n"

    done = depthlab(course, "validate", NAME)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok: {NAME}" in done.stdout

    notebooks = submissions(course)
    for engine in ("nbgrader", "otter"):
        done = depthlab(course, "grade", NAME, *map(str, notebooks.values()), "--json", "--engine", engine)
        assert done.returncode == 0, done.stdout + done.stderr
        results = dict(zip(notebooks, (json.loads(line) for line in done.stdout.splitlines())))
        assert all(r["engine"] == engine and r["max_score"] == 3 and "error" not in r for r in results.values())
        assert results["reference"]["score"] == 3, results["reference"]
        assert results["blank"]["score"] == 0, results["blank"]
        tests = {t["function"]: t for t in results["mistake"]["tests"]}
        assert results["mistake"]["score"] == 1, results["mistake"]
        assert tests["mse"]["passed"] and not tests["mse_grad"]["passed"]
        assert f"Hint: {the_mistake(course).hint}" in tests["mse_grad"]["message"], tests["mse_grad"]["message"]

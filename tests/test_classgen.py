"""The synthetic class generator: are its students what it says they are?

Fast tests build answers in-process; the ones that need a release notebook
generate it with nbgrader once (module fixture, a skeleton course) and never
start a kernel.
"""
from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import nbformat
import pytest

from depthlab import classgen
from depthlab.classgrade.collect import student_from_name
from depthlab.judge.notebook import grade_id
from depthlab.judge.prepare import grade_namespace, known_assignments, load_spec

A = "ps2_vanishing_gradients"


@pytest.fixture(scope="module")
def course(tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("classgen-course")
    classgen.write_skeleton_course(A, root)
    monkeypatch_module.setenv("DEPTHLAB_ROOT", str(root))
    return root


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.parametrize("assignment", known_assignments())
def test_reference_sources_earn_full_marks(assignment):
    """Each reference cell defines its function (helpers and imports included), and
    the cells together earn every point: nothing was lost cutting the module up."""
    sources = classgen.reference_sources(assignment)
    ns: dict = {"__name__": "student"}
    for function, code in sources.items():
        tree = ast.parse(code)
        defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert function in defined
        assert "solutions" not in code and "depthlab" not in code
        exec(compile(code, f"<{function}>", "exec"), ns)
    results = grade_namespace(assignment, ns)
    assert [r.message for r in results if not r.passed] == []
    assert sum(r.points for r in results) == load_spec(assignment).max_score


def test_reference_cell_does_not_redefine_other_graded_functions():
    """backprop_chain's cell must not carry the reference sigmoid_prime: the
    student's own (maybe wrong) helper has to stay in force."""
    code = classgen.reference_sources(A)["backprop_chain"]
    names = [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    assert names == ["backprop_chain"]


def test_mutant_cells_drop_the_test_markers():
    mutants = classgen.variant_sources(A, "mutants")
    assert set(mutants) <= set(load_spec(A).functions)
    assert sum(len(v) for v in mutants.values()) >= 2 * len(mutants)
    for function, variants in mutants.items():
        for name, code in variants:
            assert "EXPECT" not in code, name
            assert f"def {function}(" in code


def test_make_class_is_seeded_and_mixed():
    a = classgen.make_class(A, 30, seed=3)
    b = classgen.make_class(A, 30, seed=3)
    c = classgen.make_class(A, 30, seed=4)
    assert a.students == b.students
    assert a.students != c.students
    kinds = {ans.kind for s in a.students for ans in s.answers}
    assert {"reference", "mutant", "blank"} <= kinds
    assert all(ans.kind == "reference" for ans in a.students[0].answers)
    assert all(ans.kind == "blank" for ans in a.students[1].answers)
    mutants = classgen.variant_sources(A, "mutants")
    for s in a.students:
        for ans in s.answers:
            if ans.kind == "mutant":
                assert ans.variant in dict(mutants[ans.function])
    assert len({s.id for s in a.students}) == 30


def test_hostile_students_come_right_after_the_anchors():
    roster = classgen.make_class(A, 8, seed=0, hostile=["not_a_notebook", "infinite_loop"])
    assert [s.hostile for s in roster.students] == ["", "", "not_a_notebook", "infinite_loop", "", "", "", ""]
    assert [s.hostile for s in classgen.make_class(A, 3, hostile=["monkeypatch"]).students] == ["", "", "monkeypatch"]
    with pytest.raises(ValueError, match="unknown hostile"):
        classgen.make_class(A, 8, hostile=["rm -rf"])


def test_skeleton_source_is_a_valid_nbgrader_notebook():
    nb = classgen.skeleton_source(A)
    nbformat.validate(nb)
    ids = [grade_id(c) for c in nb.cells]
    for t in load_spec(A).tests:
        assert f"solution_{t.function}" in ids and t.test_id in ids
    points = {grade_id(c): c.metadata.nbgrader.get("points") for c in nb.cells if c.metadata.nbgrader.get("grade")}
    assert all(points[t.test_id] == t.points for t in load_spec(A).tests)


def test_fill_release_replaces_solution_and_written_cells(course):
    nb = classgen.fill_release(A, {"sigmoid": "def sigmoid(z):\n    return z\n", "written_q1": "my answer"})
    by_id = {grade_id(c): c for c in nb.cells}
    assert by_id["solution_sigmoid"].source == "def sigmoid(z):\n    return z\n"
    assert by_id["written_q1"].source == "my answer"
    assert "raise NotImplementedError" in by_id["solution_sigmoid_prime"].source
    assert "BEGIN SOLUTION" not in nbformat.writes(nb)
    with pytest.raises(KeyError, match="no cell"):
        classgen.fill_release(A, {"not_a_function": "pass"})


def test_student_notebooks_hold_what_the_roster_says(course):
    roster = classgen.make_class(A, 6, seed=5, hostile=["monkeypatch", "edited_test"])
    refs = classgen.reference_sources(A)
    mutants = classgen.variant_sources(A, "mutants")
    for s in roster.students:
        nb = classgen.student_notebook(A, s)
        cells = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
        for ans in s.answers:
            src = cells[f"solution_{ans.function}"]
            if ans.kind == "reference":
                assert src == refs[ans.function]
            elif ans.kind == "mutant":
                assert src == dict(mutants[ans.function])[ans.variant]
            elif ans.kind == "blank":
                assert "raise NotImplementedError" in src
    text = nbformat.writes(classgen.student_notebook(A, roster.students[2]))
    assert "np.allclose = lambda" in text
    edited = classgen.student_notebook(A, roster.students[3])
    assert any(grade_id(c, ) and grade_id(c).startswith("test_") and "removed the asserts" in c.source
               for c in edited.cells)


@pytest.mark.parametrize("layout", ["nbgrader", "flat", "zip"])
def test_write_class_layouts(course, tmp_path, layout):
    roster = classgen.make_class(A, 4, seed=1, hostile=["not_a_notebook"])
    dest = tmp_path / ("class.zip" if layout == "zip" else "class")
    written = classgen.write_class(roster, dest, layout=layout)
    assert set(written.files) == {s.id for s in roster.students}
    if layout == "nbgrader":
        for s in roster.students:
            assert (dest / "submitted" / s.id / A / f"{A}.ipynb").is_file()
    elif layout == "flat":
        assert sorted(p.stem for p in dest.glob("*.ipynb")) == sorted(written.files)
    else:
        with zipfile.ZipFile(dest) as zf:
            names = zf.namelist()
        assert sorted(student_from_name(n, A) for n in names) == sorted(written.files)
    broken = Path(written.files[roster.students[2].id])
    if layout != "zip":
        with pytest.raises(Exception):
            nbformat.read(str(broken), as_version=4)

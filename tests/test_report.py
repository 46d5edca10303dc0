"""What TAs and students get to read: the class report (grouping failures by
message, plots embedded, the terminal table) and the feedback pages (score,
each test, written answers, and never hidden-test or reference code)."""
from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import nbformat
import pytest
from markupsafe import escape

from depthlab import classgen
from depthlab.feedback import WrittenAnswer, render, written_answers
from depthlab.judge import results as R
from depthlab.report import PendingWritten, pending_written, render_html, render_text, summarize

A = "ps2_vanishing_gradients"


def _test(tid, points, max_points, message="", cases=(), mistake="", hint=""):
    passed = points == max_points
    return R.TestResult(tid, tid.removeprefix("test_"), points, max_points, passed,
                        message or f"{tid.removeprefix('test_')}: all cases passed", tuple(cases),
                        problem="" if passed else message.partition(": ")[2], hint=hint,
                        mistake="" if passed else mistake or "wrong_value")


def _student(name, backprop_msg=None, sigmoid_ok=True, error=None, flags=(), events=(), isolation="namespace",
             mistake="", hint=""):
    tests = (
        _test("test_sigmoid", 2.0 if sigmoid_ok else 0.0, 2.0,
              "" if sigmoid_ok else "sigmoid(z=0): raises NotImplementedError: the function is not written yet",
              mistake="not_implemented"),
        _test("test_backprop_chain", 0.0 if backprop_msg else 3.0, 3.0, backprop_msg or "", mistake=mistake, hint=hint),
    )
    return R.NotebookResult(A, f"{name}.ipynb", "nbgrader", tests, tuple(flags), error, student=name,
                            events=tuple(events), isolation=isolation)


FORGETS_W = "the factor w[t] is missing"


def _forgets_w(value, expected, k):
    return (f"backprop_chain(w of length 8, x=0.5): dL/dh_0 is {value}, expected {expected}. "
            f"Hint: {FORGETS_W} ({k} of 12 cases failed)")


def _forgetful(name, value, expected, k):
    return _student(name, _forgets_w(value, expected, k), mistake="forgets_weight", hint=FORGETS_W)


@pytest.fixture
def klass():
    return [
        _forgetful("ann", 0.0213, 0.0088, 4),
        _forgetful("ben", 0.5, 1.25e-3, 7),
        _forgetful("cid", -2, 3.5, 12),
        _student("dee", "backprop_chain(w=[0.3, -1.2], x=0.5): the result has shape (2,), expected shape (3,)",
                 mistake="wrong_shape"),
        _student("eve", sigmoid_ok=False),
        _student("fay", error="fay.ipynb is not a notebook: it is not valid JSON"),
        _student("gus", flags=[R.IntegrityFlag("monkeypatch", "added cell 4: replaces np.allclose")],
                 events=[R.Event(R.EventKind.TIMEOUT, "the hidden cases of backprop_chain timed out after 20 s"),
                         R.Event(R.EventKind.CELL_ERROR, "cell 7 raised ValueError: the word timed out")]),
    ]


def test_students_are_grouped_by_the_kind_of_mistake_not_by_the_sentence():
    """Same kind, different sentences: one group; same sentence, different kinds: two groups;
    an event is trouble by its kind, whatever its sentence says."""
    same_text = "backprop_chain(x=1): dL/dh_0 is 2, expected 1"
    klass = [_student("ann", same_text, mistake="forgets_weight", hint=FORGETS_W),
             _student("ben", "backprop_chain(w=[1, 2], x=-3): dL/dh_0 is 0.25, expected 7", mistake="forgets_weight"),
             _student("cid", same_text, mistake="sign_flipped", hint="the sign is flipped"),
             _student("dee", events=[R.Event(R.EventKind.CELL_ERROR, "cell 3 raised: the kernel died (a string)")])]
    (back,) = [t for t in summarize(A, klass).tests if t.id == "test_backprop_chain"]
    assert [(g.key, g.students) for g in back.groups] == [("forgets_weight", ("ann", "ben")),
                                                        ("sign_flipped", ("cid",))]
    assert back.groups[0].hint == FORGETS_W
    assert summarize(A, klass).troubled == []


def test_results_keep_kind_and_events_through_json_and_storage():
    """The JSON adds status, problem, hint, mistake and event records to the fields ASSIGNMENTS.md
    lists, and a stored result comes back with every field equal (see also
    tests/unit/test_mistakes.py, where the judge itself fills them)."""
    r = _student("ann", _forgets_w(0.5, 1.25e-3, 7), mistake="forgets_weight", hint=FORGETS_W,
                 events=[R.Event(R.EventKind.TIMEOUT, "cell 4 timed out after 30 s", "cell 4")])
    data = r.to_json()
    back = next(t for t in data["tests"] if t["id"] == "test_backprop_chain")
    assert back["status"] == "graded" and back["mistake"] == "forgets_weight" and back["hint"] == FORGETS_W
    assert {"id", "function", "points", "max_points", "passed", "message"} <= set(back)
    assert data["events"] == [{"kind": "timeout", "detail": "cell 4 timed out after 30 s", "where": "cell 4"}]
    assert R.NotebookResult.from_record(r.to_record()) == r
    assert R.NotebookResult.from_record(r.to_record()).tests[1].status is R.Status.GRADED


def test_failures_are_grouped_by_message_worst_test_first(klass):
    s = summarize(A, klass)
    assert [t.id for t in s.tests] == ["test_backprop_chain", "test_sigmoid"]
    back = s.tests[0]
    assert (back.failed, back.graded) == (4, 6)       # the ungraded notebook is not counted
    assert [len(g.students) for g in back.groups] == [3, 1]
    assert back.groups[0].students == ("ann", "ben", "cid")
    assert "factor w[t] is missing" in back.groups[0].example
    assert s.ungraded == [("fay", "fay.ipynb is not a notebook: it is not valid JSON")]
    assert s.integrity == [("gus", "monkeypatch", "added cell 4: replaces np.allclose")]
    assert s.troubled == [("gus", "the hidden cases of backprop_chain timed out after 20 s")]   # not the cell error
    assert s.score_stats()["max"] == 5.0 and s.score_stats()["min"] == 2.0   # fay (not graded) is left out


def test_html_report_is_self_contained_and_shows_the_groups(klass):
    klass.append(_student("hal", "backprop_chain(x=1): got <script>alert(1)</script>"))
    page = render_html(summarize(A, klass))
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", page)
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "3 students" in page and "ann, ben, cid" in page
    assert page.index("test_backprop_chain") < page.index("<b>test_sigmoid</b>")
    assert "<script>" not in page and html.escape("<script>") in page
    for needle in ("monkeypatch", "fay.ipynb is not a notebook", "timed out after 20 s", "formgrader"):
        assert needle in page


def test_terminal_table_carries_the_same_summary(klass):
    text = render_text(summarize(A, klass))
    lines = text.splitlines()
    assert lines[0] == f"{A}: 7 submissions, 6 graded, 1 not graded"
    assert lines[1] == "  student code isolated by: namespace (7)"
    back = next(l for l in lines if l.strip().startswith("test_backprop_chain"))
    assert "4/6" in back and "67%" in back
    assert any(l.strip().startswith("3 x [forgets_weight] backprop_chain(w of length 8") for l in lines)
    assert any("fay: not graded" in l for l in lines) and any("gus: monkeypatch" in l for l in lines)


def test_the_report_header_names_the_isolation_and_warns_when_it_was_unsafe(klass):
    """Which sandbox the class ran under is never silent: the header names each level,
    and a notebook graded without isolation (or from before levels were recorded) is a warning."""
    page = render_html(summarize(A, klass))
    assert "Student code isolated by: namespace (7)</p>" in page and "WARNING" not in page
    klass += [_student("ivy", isolation="landlock"), _student("jon", isolation="none"), _student("kim", isolation=None)]
    text = render_text(summarize(A, klass))
    line = text.splitlines()[1]
    assert "landlock (1)" in line and "namespace (7)" in line and "none (1)" in line and "not recorded (1)" in line
    assert "WARNING" in line and "WARNING" in render_html(summarize(A, klass))


def _written_notebook(path: Path, answer: str) -> Path:
    meta = {"nbgrader": {"schema_version": 3, "grade": True, "solution": True, "locked": False,
                         "grade_id": "written_why", "points": 4.0}}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("**Why** does it vanish?"),
                                         nbformat.v4.new_markdown_cell(answer, metadata=meta)])
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def test_written_answers_waiting_for_a_ta(tmp_path):
    results = []
    for name, answer in [("ann", "Because of the products."), ("ben", "YOUR ANSWER HERE"), ("cid", "Products.")]:
        _written_notebook(tmp_path / "submitted" / name / A / f"{A}.ipynb", answer)
        results.append(_student(name))
    pending = pending_written(A, results, tmp_path)
    assert [(p.grade_id, p.students) for p in pending] == [("written_why", ("ann", "cid"))]
    answers = written_answers(tmp_path / "submitted" / "ann" / A / f"{A}.ipynb")
    assert answers[0].question == "**Why** does it vanish?" and answers[0].answer == "Because of the products."


def test_feedback_page_shows_tests_and_escaped_answers():
    cases = (R.CaseResult("backprop_chain(x=1)", False, "backprop_chain(x=1): dL/dh_0 is 2, expected 1"),
             R.CaseResult("backprop_chain(x=2)", False, "backprop_chain(x=2): dL/dh_0 is 4, expected 2"))
    result = R.NotebookResult(A, "ann.ipynb", "nbgrader",
                              (_test("test_sigmoid", 2.0, 2.0),
                               _test("test_backprop_chain", 1.5, 3.0, cases[0].message, cases)),
                              (R.IntegrityFlag("edited_test_cell", "cell test_sigmoid was changed; the original was graded"),),
                              student="ann")
    page = render(result, [WrittenAnswer("written_why", "Why?", "<b>because</b>", 4.0)])
    assert "Auto-graded score: 3.5 / 5" in page
    assert "passed" in page and "failed" in page
    assert "dL/dh_0 is 2, expected 1" in page and "backprop_chain(x=2): dL/dh_0 is 4" in page
    assert "&lt;b&gt;because&lt;/b&gt;" in page and "<b>because</b>" not in page
    assert "cell test_sigmoid was changed" in page
    assert "Not graded yet" in page


HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% if true %}yes{% endif %} {{ config }}"


def test_student_text_is_escaped_and_never_read_as_a_template(tmp_path):
    """A message, a student id and a written answer that hold HTML and Jinja2
    syntax reach both pages as text: escaped, and not evaluated as a template."""
    sneaky = R.NotebookResult(A, "x.ipynb", "nbgrader",
                              (_test("test_sigmoid", 0.0, 2.0, f"sigmoid(z=0): printed {HOSTILE}"),),
                              (R.IntegrityFlag("monkeypatch", f"added cell 2: {HOSTILE}"),),
                              student=f"id{HOSTILE}", events=(R.Event(R.EventKind.NOTE, f"event {HOSTILE}"),))
    page = render(sneaky, [WrittenAnswer("written_why", f"Why? {HOSTILE}", f"answer {HOSTILE}", 4.0)])
    summary = summarize(A, [sneaky, _student(f"other{HOSTILE}", error=f"not a notebook: {HOSTILE}")])
    summary.written = [PendingWritten("written_why", (f"id{HOSTILE}",))]
    report_page = render_html(summary)
    for text in (page, report_page):
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "{{ 7*7 }} {% if true %}yes{% endif %} {{ config }}" in text    # literal, not evaluated
    for needle in (f"feedback for id{HOSTILE}", f"printed {HOSTILE}", f"answer {HOSTILE}", f"event {HOSTILE}"):
        assert str(escape(needle)) in page
    for needle in (f"id{HOSTILE}", f"not a notebook: {HOSTILE}", f"added cell 2: {HOSTILE}"):
        assert str(escape(needle)) in report_page


def _code_lines(text: str) -> set:
    """Distinctive lines of code (not blank, not comments, not bare keywords)."""
    out = set()
    for line in text.splitlines():
        line = line.strip()
        if len(line) >= 20 and not line.startswith(("#", '"""', "'''")):
            out.add(line)
    return out


@pytest.mark.slow
def test_feedback_and_report_of_a_graded_class_leak_no_hidden_or_reference_code(tmp_path, monkeypatch):
    """A small class graded for real (the real source notebook when there is one):
    no line of a hidden-test block or of solutions/ appears in any feedback page
    or in the report; each page has its student's score and written answer."""
    from depthlab.classgrade.run import autograde
    from depthlab.feedback import feedback
    from depthlab.report import report
    import importlib
    import shutil
    import sys
    import os
    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "course"
    src = repo / "source" / A / f"{A}.ipynb"
    if src.exists():
        shutil.copytree(src.parent, root / "source" / A)
        shutil.copyfile(repo / "nbgrader_config.py", root / "nbgrader_config.py")
    else:
        classgen.write_skeleton_course(A, root)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    roster = classgen.generate_class(A, 3, root, seed=8)
    summary = autograde(A, root=root, engine="direct", jobs=2, progress=False)
    pages = feedback(A, root=root)
    assert len(pages) == 3
    source = nbformat.read(str(root / "source" / A / f"{A}.ipynb"), as_version=4)
    secret = set()
    for cell in source.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
            secret |= _code_lines(block)
        for block in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", cell.source, re.S):
            secret |= _code_lines(block)
    reference = importlib.import_module(f"solutions.{A}")
    secret |= _code_lines(Path(reference.__file__).read_text())
    assert secret
    report_path, _ = report(A, root=root)
    by = {r.student: r for r in summary.results}
    from depthlab.studentcode import solution_code, submitted_notebook

    def own(students) -> set:   # what students wrote themselves is theirs to see (their feedback), or a TA's
        return set().union(*(_code_lines("\n".join(solution_code(submitted_notebook(A, s, root)).values()))
                             for s in students))
    for path in [*pages, report_path]:
        text = html.unescape(path.read_text())
        mine = own([path.parents[1].name] if path in pages else by)
        leaked = [line for line in secret if line in text and not any(line in m for m in mine)]
        assert not leaked, (path.name, leaked[:3])
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
    for path in pages:
        student = path.parents[1].name
        text = path.read_text()
        assert f"Auto-graded score: {by[student].score:g} / {by[student].max_score:g}" in text
        for t in by[student].tests:
            assert str(escape(t.message)) in text     # the pages' own escaping (Jinja2 autoescape)
    written = [a for a in written_answers(root / "submitted" / roster.students[0].id / A / f"{A}.ipynb") if a.answer]
    first = next(p for p in pages if p.parents[1].name == roster.students[0].id).read_text()
    assert written and all(str(escape(a.answer)) in first for a in written)

"""The mistake catalogue and the checks' toolkit: how a wrong implementation is
recognised, how it becomes a student's cell, and the shared Axes judge."""
import numpy as np
import pytest

from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import Drawing, Line, judge_drawing, path_hint, random_spd, same, shape
from depthlab.judge import probe
from depthlab.judge.compare import judge_close
from depthlab.judge.outcome import Outcome
from depthlab.judge.results import NotebookResult, Status
from depthlab.judge.scoring import score_test
from depthlab.judge.spec import AX, Case, FunctionTest, Verdict

mistake = Catalogue()


@mistake("the factor 2 is missing")
def double__forgets_two(x, offset=0.0):
    """x + offset where 2 x + offset belongs."""
    return np.asarray(x, dtype=float) + offset


@mistake(lambda x, offset=0.0: f"the offset {offset:g} is subtracted")
def double__subtracts_offset(x, offset=0.0):
    return 2 * np.asarray(x, dtype=float) - offset


@mistake("the sign is flipped")
def double__negated(x, offset=0.0):
    return -2 * np.asarray(x, dtype=float) + offset


def _double_test():
    return FunctionTest("double", 1, lambda rng: [], mistakes=mistake.of("double"))


def _ok(value):
    return Outcome("ok", value=value)


def test_a_wrong_implementation_is_a_cell_defining_the_graded_function():
    (source,) = [m.source() for m in mistake.of("double") if m.name == "forgets_two"]
    assert source.startswith("import numpy as np\n")
    assert "@mistake" not in source and "def double(x, offset=0.0):" in source
    ns: dict = {}
    exec(source, ns)
    np.testing.assert_array_equal(ns["double"]([1.0, 2.0], 1.0), [2.0, 3.0])


def test_a_wrong_implementation_is_named_function__what():
    with pytest.raises(ValueError, match="<function>__<what>"):
        mistake("hint")(lambda x: x)
    assert [m.name for m in mistake.of("double")] == ["forgets_two", "subtracts_offset", "negated"]
    assert mistake.functions == {"double"}


def test_the_judge_names_the_mistake_the_value_matches():
    case = Case((np.array([1.0, -2.0]),), {"offset": 0.5})
    ref = _ok(np.array([2.5, -3.5]))
    verdict = judge_close(_double_test(), case, _ok(np.array([1.5, -1.5])), ref)
    assert not verdict.passed and verdict.hint == "the factor 2 is missing"
    verdict = judge_close(_double_test(), case, _ok(np.array([1.5, -4.5])), ref)
    assert verdict.hint == "the offset 0.5 is subtracted"         # a hint made from the case's arguments


def test_a_scored_test_keeps_problem_hint_and_the_mistakes_name_apart():
    """score_test fills the fields the report groups by: the first failing case's problem,
    hint and kind (the catalogue's name, else what the call did); message joins them for people."""
    cases = [Case((np.array([1.0, -2.0]),), {"offset": 0.5}), Case((np.array([3.0]),)), Case((np.array([0.5]),))]
    ref = [_ok(np.array([2.5, -3.5])), _ok(np.array([6.0])), _ok(np.array([1.0]))]
    got = [_ok(np.array([1.5, -1.5])), Outcome("timeout"), _ok(np.array([1.0]))]
    t = score_test(_double_test(), cases, got, ref)
    assert (t.passed, t.status, t.mistake) == (False, Status.TIMEOUT, "forgets_two")
    assert t.hint == "the factor 2 is missing" and "Hint" not in t.problem and t.problem in t.message
    assert t.message.startswith(cases[0].describe("double") + ": " + t.problem + ". Hint: " + t.hint)
    assert [c.mistake for c in t.cases] == ["forgets_two", "timeout", ""]
    assert t.points == pytest.approx(1 / 3, abs=0.01)
    wrong = score_test(_double_test(), cases[2:], [_ok(np.array([7.0]))], ref[2:])
    assert (wrong.mistake, wrong.hint) == ("scaled", "every entry is off by the same factor 7")
    error = score_test(_double_test(), cases[2:], [Outcome("error", error_type="NotImplementedError",
                                                           error_mro=("NotImplementedError",))], ref[2:])
    assert error.mistake == "not_implemented" and error.hint == ""
    record = NotebookResult("a", "nb.ipynb", "nbgrader", (t, wrong, error))
    assert NotebookResult.from_record(record.to_record()) == record


def test_a_mistake_that_agrees_with_the_reference_on_the_case_names_nothing():
    """With offset 0, subtracting it is no mistake: a wrong value matching it is not blamed on it."""
    tests = FunctionTest("double", 1, lambda rng: [], mistakes=mistake.of("double"))
    case = Case((np.array([1.0]),))
    assert tests.mistakes.recognise(case, _ok(np.array([2.0])), _ok(np.array([2.0])), 1e-6, 1e-9) == ""
    verdict = judge_close(tests, case, _ok(np.array([5.0])), _ok(np.array([2.0])))
    assert verdict.hint != "the offset 0 is subtracted"


def test_errors_and_unknown_values_name_no_mistake():
    mistakes = mistake.of("double")
    case = Case((np.array([1.0]),))
    ref = _ok(np.array([2.0]))
    assert mistakes.recognise(case, Outcome("error", error_type="TypeError"), ref, 1e-6, 1e-9) == ""
    assert mistakes.recognise(case, _ok(np.array([7.0])), ref, 1e-6, 1e-9) == ""


def test_a_wrong_implementation_runs_once_per_case_and_never_changes_the_case():
    calls = []
    counting = Catalogue()

    @counting("halves")
    def half__counted(x):
        calls.append(1)
        x[0] = 99.0                     # a wrong implementation may even mutate: the case keeps its input
        return x / 2

    x = np.array([4.0, 2.0])
    case = Case((x,))
    mistakes = counting.of("half")
    for _ in range(3):
        assert mistakes.recognise(case, _ok(np.array([49.5, 1.0])), _ok(np.array([8.0, 4.0])), 1e-6, 1e-9) == "halves"
    assert len(calls) == 1 and x[0] == 4.0


def test_same_and_shape_compare_values_that_may_not_be_arrays():
    assert same([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    assert not same([1.0, 2.0], [1.0, 2.0, 3.0]) and not same("text", [1.0]) and not same([np.nan], [np.nan])
    assert shape([[1, 2], [3, 4]]) == (2, 2) and shape([[1], [2, 3]]) is None


def test_random_spd_spreads_eigenvalues_over_the_range():
    A = random_spd(np.random.default_rng(0), 4, 0.5, 3.0)
    np.testing.assert_allclose(A, A.T)
    eig = np.linalg.eigvalsh(A)
    assert eig[0] == pytest.approx(0.5) and eig[-1] == pytest.approx(3.0)


def test_path_hint_says_how_a_drawn_line_differs_from_the_path():
    path = np.array([[2.0, 1.0], [1.0, -0.5], [0.5, 0.25]])
    x, y = path[:, 0], path[:, 1]
    assert "swapped" in path_hint([Line(y, x)], path)
    assert "step number" in path_hint([Line(np.arange(3.0), x)], path)
    assert "starting point" in path_hint([Line(x[1:], y[1:])], path)
    assert "last point" in path_hint([Line(x[:-1], y[:-1])], path)
    assert path_hint([Line(x + 1, y)], path) == ""


def _described(draw):
    """The probe's description of an Axes ``draw(ax)`` drew on."""
    out = probe.run_case(lambda ax: (draw(ax), ax)[1], {"args": [{"$ax": None}]}, None)
    return Outcome.from_wire(out)


def test_the_axes_judge_runs_its_checks_in_order_and_wants_the_axes_back():
    def has_title(drawing, case):
        return None if drawing.title else Verdict(False, "no title", "ax.set_title")

    def one_line(drawing, case):
        return None if len(drawing.lines) == 1 else Verdict(False, f"{len(drawing.lines)} lines")

    judge = judge_drawing(has_title, one_line)
    test, case, ref = FunctionTest("plot", 1, lambda rng: []), Case((AX,)), _ok(None)
    untitled = _described(lambda ax: ax.plot([0, 1], [1, 0]))
    assert judge(test, case, untitled, ref).problem == "no title"
    good = _described(lambda ax: (ax.plot([0, 1], [1, 0], "o-"), ax.set_title("t")))
    assert judge(test, case, good, ref).passed
    assert Drawing.of(good.axes).lines[0].marker == "o"
    returned_none = Outcome("ok", value=None, axes=good.axes)
    assert "expected the Axes it was given" in judge(test, case, returned_none, ref).problem

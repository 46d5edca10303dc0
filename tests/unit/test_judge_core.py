"""The judge's building blocks: the wire format, comparisons, messages and scoring."""
import json
import math

import numpy as np
import pytest

from depthlab.judge import probe
from depthlab.judge.compare import compare_values, generic_hint, judge_close
from depthlab.judge.outcome import Outcome
from depthlab.judge.scoring import score_test
from depthlab.judge.spec import Case, FunctionTest


def roundtrip(value):
    return probe.decode(json.loads(json.dumps(probe.encode(value), allow_nan=True)))


@pytest.mark.parametrize("value", [
    np.array([[1.5, -2.0], [np.nan, np.inf]]), np.arange(6).reshape(2, 3), np.array([True, False]),
    (1, 2.5, None), {"W1": np.eye(2), "b2": 0.5}, np.float32(1.25), np.int64(7), 3, 2.5, "text", [1, [2, 3]],
    np.zeros((0, 2)), np.array([1 + 2j]),
])
def test_wire_roundtrip_keeps_values_types_and_shapes(value):
    assert_same(roundtrip(value), value)


def assert_same(back, value, where="value"):
    """``back`` is ``value`` all the way down: types, dtypes, shapes, keys and values."""
    assert type(back) is type(value), (where, type(back), type(value))
    if isinstance(value, np.ndarray):
        assert back.shape == value.shape and back.dtype == value.dtype, (where, back.shape, back.dtype)
        np.testing.assert_array_equal(back, value, err_msg=where)
    elif isinstance(value, dict):
        assert list(back) == list(value), (where, list(back), list(value))
        for key in value:
            assert_same(back[key], value[key], f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        assert len(back) == len(value), (where, len(back), len(value))
        for i, (b, v) in enumerate(zip(back, value)):
            assert_same(b, v, f"{where}[{i}]")
    else:
        assert back == value, (where, back, value)


def test_roundtrip_check_sees_a_changed_value():
    """The comparison above is not keys-only: a dict whose values differ fails it."""
    with pytest.raises(AssertionError):
        assert_same({"W1": np.eye(2), "b2": 0.5}, {"W1": np.eye(2), "b2": 0.25})
    with pytest.raises(AssertionError):
        assert_same({"W1": np.eye(2)}, {"W1": np.eye(2).astype(np.float32)})
    with pytest.raises(AssertionError):
        assert_same((1, [2, 3]), (1, (2, 3)))


def test_unknown_objects_cross_as_opaque_and_never_execute():
    back = roundtrip(object())
    assert isinstance(back, probe.Opaque) and back.kind == "object"
    with pytest.raises(probe.DecodeError):
        probe.decode({"$pickle": "gASVAAAAAAAAAAA="})
    with pytest.raises(probe.DecodeError):
        probe.decode({"$nd": ["float64", [3], [1.0]]})


def test_hostile_repr_does_not_break_encoding():
    class Evil:
        def __repr__(self):
            raise RuntimeError("no")
    assert probe.encode(Evil())["$object"][0] == "unreportable"


def test_outcome_rejects_unknown_status():
    with pytest.raises(ValueError):
        Outcome.from_wire({"status": "passed"})


def test_compare_names_entry_expected_and_got():
    msg = compare_values(np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), 1e-6, 1e-9)
    assert msg == "entry [2] of the result is 3.5, expected 3"
    assert "shape (2,)" in compare_values(np.ones(2), np.ones(3), 1e-6, 1e-9)
    assert compare_values(None, 1.0, 1e-6, 1e-9).endswith("did the function forget to return?")
    assert compare_values(np.array([np.nan]), np.array([1.0]), 1e-6, 1e-9)
    assert compare_values(np.array([np.inf]), np.array([np.inf]), 1e-6, 1e-9) is None
    assert compare_values((True, None), (False, None), 1e-6, 1e-9)
    assert compare_values(1.0 + 1e-12, 1.0, 1e-6, 1e-9) is None
    assert compare_values(1000.004, 1000.0, 1e-6, 1e-9) == "the result is 1000.004, expected 1000"


def test_generic_hints_recognise_common_mistakes():
    ref = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "sign" in generic_hint(-ref, ref)
    assert "factor 2" in generic_hint(2 * ref, ref)
    assert "transpose" in generic_hint(ref.T, ref)
    assert generic_hint(None, ref) == ""


def _test(points=2.0):
    return FunctionTest("f", points, lambda rng: [])


def test_judge_expects_the_reference_exception():
    case = Case((1,))
    ref = Outcome("error", error_type="ValueError", error_mro=("ValueError", "Exception"))
    assert not judge_close(_test(), case, Outcome("ok", value=1.0), ref).passed
    assert not judge_close(_test(), case, Outcome("error", error_type="TypeError", error_mro=("TypeError",)), ref).passed
    sub = Outcome("error", error_type="MyError", error_mro=("MyError", "ValueError", "Exception"))
    assert judge_close(_test(), case, sub, ref).passed


def test_mutating_an_input_fails_even_with_the_right_value():
    verdict = judge_close(_test(), Case((1,)), Outcome("ok", value=1.0, mutated=("argument 1",)), Outcome("ok", value=1.0))
    assert not verdict.passed and "in place" in verdict.problem


def test_score_is_share_of_passed_weight_and_message_names_first_failure():
    cases = [Case((1,), label="x=1"), Case((2,), label="x=2", weight=3.0)]
    ref = [Outcome("ok", value=1.0), Outcome("ok", value=2.0)]
    got = [Outcome("ok", value=1.0), Outcome("ok", value=5.0)]
    result = score_test(_test(4.0), cases, got, ref)
    assert result.points == 1.0 and not result.passed
    assert result.message.startswith("f(x=2): the result is 5, expected 2")
    full = score_test(_test(4.0), cases, ref, ref)
    assert full.points == 4.0 and full.passed


def test_probe_reports_mutation_warnings_and_errors_in_process():
    def f(a):
        a[0] = 99.0
        return math.sqrt(-1)
    fixtures = probe.load_fixtures([])
    (out,) = probe.run_function(f, [{"args": [probe.encode(np.ones(2))]}], fixtures)
    assert out["status"] == "error" and out["error"]["type"] == "ValueError"
    assert out["mutated"] == ["argument 1"]
    (out,) = probe.run_function(lambda z: np.exp(np.asarray(z)), [{"args": [1e4]}], fixtures)
    assert out["warnings"] and out["warnings"][0].startswith("RuntimeWarning")

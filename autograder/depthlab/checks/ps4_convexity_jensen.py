"""Hidden tests of ps4_convexity, part 1: Jensen's inequality (``jensen_gap``, and
``check_convexity`` with its judge, which recomputes a non-convex verdict's witness
here): each function's cases, typical mistakes and diagnosis.
The spec is assembled in :mod:`depthlab.checks.ps4_convexity`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps4_convexity as fixtures
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import build, random_spd
from depthlab.judge.compare import fmt, precheck
from depthlab.judge.spec import Case, Fixture, FunctionTest, Verdict

mistake = Catalogue(fixtures)


# --- jensen_gap --------------------------------------------------------------

def jensen_gap_cases(rng):
    x = rng.uniform(-3, 3, size=6)
    A = random_spd(rng, 4)
    b4 = rng.normal(size=4)
    X = rng.uniform(-2, 2, size=(8, 2))
    y = np.sin(X[:, 0]) * X[:, 1]
    net = Fixture("network_loss", {"X": X, "y": y, "hidden": 3})
    return [
        Case((Fixture("square_sum"), np.array([0.0]), np.array([2.0]), 0.5),
             label="f(w) = |w|^2, w1=[0], w2=[2], lam=0.5", public=True),
        Case((Fixture("product"), np.array([2.0, -2.0]), np.array([-2.0, 2.0]), 0.5),
             label="f(w) = w[0]*w[1], w1=[2, -2], w2=[-2, 2], lam=0.5", public=True),
        Case((Fixture("sin_sum"), np.array([x[0]]), np.array([x[1]]), 0.3),
             label=f"f(w) = sin(w), w1=[{x[0]:.3g}], w2=[{x[1]:.3g}], lam=0.3"),
        Case((Fixture("sin_sum"), 0.5, 2.5, 0.8),
             label="f = sin, w1=0.5 and w2=2.5 given as plain numbers, lam=0.8"),
        Case((Fixture("quadratic", {"A": A, "b": b4, "c": 1.5}), rng.uniform(-3, 3, 4),
              rng.uniform(-3, 3, 4), float(rng.uniform(0.1, 0.9))),
             label="a convex quadratic in 4 dimensions, random w1, w2, lam"),
        Case((Fixture("affine", {"a": rng.normal(size=3), "c": 0.7}), rng.uniform(-3, 3, 3),
              rng.uniform(-3, 3, 3), 0.37),
             label="an affine function in 3 dimensions, lam=0.37 (gap 0 up to rounding)"),
        Case((Fixture("gaussian_well"), [x[2], x[3]], [x[4], x[5]], 0.8),
             label="f(w) = 1 - exp(-|w|^2), w1 and w2 given as lists, lam=0.8"),
        Case((net, rng.uniform(-1, 1, 13), rng.uniform(-1, 1, 13), 0.25),
             label="the squared error of a 3-unit network as a function of its 13 weights, lam=0.25"),
        Case((Fixture("sin_sum"), np.array([0.3, 1.2]), np.array([2.9, -0.4]), 1.0),
             label="f(w) = sin(w[0]) + sin(w[1]), lam=1 (gap 0)"),
    ]


@mistake("lam weighs w1 at the point but w2 on the chord: use lam*f(w1) + (1-lam)*f(w2)")
def jensen_gap__chord_weights_swapped(f, w1, w2, lam):
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    return float(f(lam * w1 + (1 - lam) * w2) - ((1 - lam) * f(w1) + lam * f(w2)))


@mistake("lam weighs w2 at the point but w1 on the chord: evaluate f at lam*w1 + (1-lam)*w2")
def jensen_gap__point_weights_swapped(f, w1, w2, lam):
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    return float(f((1 - lam) * w1 + lam * w2) - (lam * f(w1) + (1 - lam) * f(w2)))


@mistake("the chord lam*f(w1) + (1-lam)*f(w2) must be subtracted as a whole: check the brackets")
def jensen_gap__missing_brackets(f, w1, w2, lam):
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    return float(f(lam * w1 + (1 - lam) * w2) - lam * f(w1) + (1 - lam) * f(w2))


@mistake("the sign is flipped: the gap is f(point) minus the chord, positive when f lies above its chord")
def jensen_gap__sign_flipped(f, w1, w2, lam):
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    return float(lam * f(w1) + (1 - lam) * f(w2) - f(lam * w1 + (1 - lam) * w2))


# --- check_convexity -----------------------------------------------------------

CHECK_PARAMS = ("f", "dim", "n_trials", "low", "high", "seed", "tol")
CHECK_DEFAULTS = {"n_trials": 2000, "low": -3.0, "high": 3.0, "seed": 0, "tol": 1e-9}

MISSED_PRODUCT = ("a product of coordinates is linear along every axis, so its violations only show "
                  "when w1 and w2 differ in several coordinates: draw every coordinate of w1 and w2 independently")
MISSED_EVEN = ("this function is smallest at 0 and bends down only further out: draw w1 and w2 "
               "independently (not w2 = -w1) and lam anywhere in (0, 1)")
MISSED_BEND = ("this function bends only near the edge of the box: draw w1 and w2 in the whole box "
               "[low, high], not in [0, 1) or near 0")
MISSED_GENERIC = "draw w1 and w2 independently in the whole box and lam in (0, 1), and test every sample"


def check_args(case: Case) -> dict:
    """check_convexity's arguments in this case, with the defaults filled in."""
    args = dict(CHECK_DEFAULTS)
    args.update(zip(CHECK_PARAMS, case.args))
    args.update(case.kwargs)
    return args


def check_convexity_cases(rng):
    bowl = Fixture("quadratic", {"A": np.eye(2), "b": np.array([-2.0, -2.0]), "c": 6.0})
    B = rng.normal(size=(3, 2))
    X = rng.uniform(-2, 2, size=(8, 2))
    y = np.sin(X[:, 0]) * X[:, 1]
    i, j = sorted(rng.choice(4, size=2, replace=False))
    bend = float(rng.uniform(1.8, 2.2))
    seeds = rng.integers(0, 10_000, size=8)
    centre = float(rng.uniform(0.3, 1.0))
    convex = "convex"
    return [
        # convex: the answer must be (True, None)
        Case((bowl, 2), label="g(x, y) = x^2 + y^2 - 2x - 2y + 6, dim=2", public=True, note=convex),
        Case((Fixture("affine", {"a": rng.normal(size=3) * 2, "c": -1.3}), 3),
             label="an affine function a @ w + c in 3 dimensions (its gaps are rounding noise)",
             public=True, note=convex),
        Case((Fixture("affine", {"a": np.array([5.0]), "c": 2.0}), 1),
             kwargs={"seed": int(seeds[0])}, label=f"f(w) = 5w + 2, dim=1, seed={seeds[0]}", note=convex),
        Case((Fixture("norm", {"ord": 1}), 4), label="the 1-norm |w|_1 in 4 dimensions", note=convex),
        Case((Fixture("norm", {"ord": 2}), 3), kwargs={"seed": int(seeds[1])},
             label=f"the Euclidean norm |w| in 3 dimensions, seed={seeds[1]}", note=convex),
        Case((Fixture("relu_sum"), 2), label="f(w) = relu(w[0]) + relu(w[1]), dim=2", note=convex),
        Case((Fixture("logsumexp"), 3), kwargs={"n_trials": 800},
             label="log-sum-exp in 3 dimensions, n_trials=800", note=convex),
        Case((Fixture("quadratic", {"A": B @ B.T}), 3), kwargs={"n_trials": 800},
             label="a convex quadratic w @ A @ w with a singular A in 3 dimensions, n_trials=800", note=convex),
        Case((Fixture("quadratic", {"A": np.array([[1.0, -1.0], [-1.0, 1.0]])}), 2),
             label="f(x1, x2) = (x1 - x2)^2, dim=2", note=convex),
        Case((Fixture("sin_sum"), 1), kwargs={"low": 3.3, "high": 6.1},
             label="f(w) = sin(w) on the box [3.3, 6.1], where it is convex", note=convex),
        Case((Fixture("bent_quadratic", {"c": bend, "s": 1.0}), 2), kwargs={"low": -1.5, "high": 1.5},
             label=f"a quadratic bent at |w_i| = {bend:.3g}, on the box [-1.5, 1.5] inside the bend", note=convex),
        Case((Fixture("product", {"scale": 1e-8}), 2), kwargs={"tol": 1e-6},
             label="f(w) = 1e-8 * w[0]*w[1] with tol=1e-6 (every gap is below tol)", note="below_tol"),
        # not convex: the answer must be (False, a genuine witness)
        Case((Fixture("product"), 2), label="f(w) = w[0]*w[1], dim=2", public=True, note=MISSED_PRODUCT),
        Case((Fixture("saddle"), 2), label="f(w) = w[0]^2 - w[1]^2, dim=2", public=True, note=MISSED_GENERIC),
        Case((Fixture("product", {"i": int(i), "j": int(j)}), 4), kwargs={"seed": int(seeds[2])},
             label=f"f(w) = w[{i}]*w[{j}] in 4 dimensions, seed={seeds[2]}", note=MISSED_PRODUCT),
        Case((Fixture("triple_product"), 3), kwargs={"seed": int(seeds[3])},
             label=f"f(w) = w[0]*w[1]*w[2], dim=3, seed={seeds[3]}", note=MISSED_PRODUCT),
        Case((Fixture("sin_sum"), 1), label="f(w) = sin(w), dim=1", note=MISSED_GENERIC),
        Case((Fixture("sin_sum"), 1), kwargs={"tol": 0.5, "seed": int(seeds[4])},
             label=f"f(w) = sin(w), dim=1, tol=0.5, seed={seeds[4]}", note=MISSED_GENERIC),
        Case((Fixture("sin_sum"), 1), kwargs={"low": 0.2, "high": 2.9},
             label="f(w) = sin(w) on the box [0.2, 2.9], where it is concave", note=MISSED_GENERIC),
        Case((Fixture("gaussian_well"), 2), kwargs={"seed": int(seeds[5])},
             label=f"f(w) = 1 - exp(-|w|^2), dim=2, seed={seeds[5]}", note=MISSED_EVEN),
        Case((Fixture("bent_quadratic", {"c": bend, "s": 1.0}), 2),
             label=f"a quadratic bent at |w_i| = {bend:.3g} (linear beyond), dim=2", note=MISSED_BEND),
        Case((Fixture("bent_quadratic", {"c": 2.0, "s": 0.5}), 1), kwargs={"seed": int(seeds[6])},
             label=f"a quadratic bent at |w| = 2, dim=1, seed={seeds[6]}", note=MISSED_BEND),
        Case((Fixture("bump_bowl", {"height": 3.0, "centre": centre, "width": 0.6}), 1),
             kwargs={"seed": int(seeds[7])},
             label=f"the bowl w^2 with a bump at {centre:.3g}, dim=1, seed={seeds[7]}", note=MISSED_GENERIC),
        Case((Fixture("bump_bowl", {"height": 3.0, "centre": -centre, "width": 0.6}), 1), kwargs={"tol": 0.01},
             label=f"the bowl w^2 with a bump at {-centre:.3g}, dim=1, tol=0.01", note=MISSED_GENERIC),
        Case((Fixture("bump_bowl", {"height": 4.0, "centre": np.array([0.5, -0.5]), "width": 0.8}), 2),
             label="the bowl |w|^2 with a bump at [0.5, -0.5], dim=2", note=MISSED_GENERIC),
        Case((Fixture("network_loss", {"X": X, "y": y, "hidden": 3}), 13), kwargs={"n_trials": 500},
             label="the squared error of a 3-unit network as a function of its 13 weights, n_trials=500",
             note=MISSED_GENERIC),
    ]


def _gap(f, w1, w2, lam):
    return float(f(lam * w1 + (1 - lam) * w2) - (lam * f(w1) + (1 - lam) * f(w2)))


def _as_point(value, dim):
    """The float vector of shape (dim,) a returned w1/w2 stands for, or a problem."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, f"is {fmt(value)}, not a vector of numbers"
    if arr.size != dim or arr.ndim > 1:
        return None, f"has shape {arr.shape}, expected shape ({dim},)"
    arr = arr.reshape(dim)
    if not np.all(np.isfinite(arr)):
        return None, f"is {fmt(arr)}, which is not finite"
    return arr, ""


def verify_witness(case: Case, witness) -> tuple[bool, str, str, float]:
    """Whether ``witness`` really violates Jensen's inequality by more than tol.

    Returns (genuine, problem, hint, gap); the gap is recomputed here with the
    fixture function and the case's own tol and box."""
    a = check_args(case)
    dim, tol, low, high = int(a["dim"]), float(a["tol"]), float(a["low"]), float(a["high"])
    if witness is None:
        return False, "returned (False, None): a 'not convex' answer needs its witness (w1, w2, lam)", \
            "return the sample that violated the inequality", float("nan")
    if not isinstance(witness, (tuple, list)) or len(witness) != 3:
        return False, f"the witness is {fmt(witness)}, expected a tuple (w1, w2, lam)", "", float("nan")
    points = []
    for name, value in zip(("w1", "w2"), witness[:2]):
        arr, problem = _as_point(value, dim)
        if problem:
            return False, f"the witness's {name} {problem}", "", float("nan")
        if np.any(arr < low) or np.any(arr > high):
            return False, (f"the witness's {name} = {fmt(arr)} lies outside the box [{low:g}, {high:g}]"), \
                "sample w1 and w2 between low and high", float("nan")
        points.append(arr)
    try:
        lam_arr = np.asarray(witness[2], dtype=float)
        lam = float(lam_arr.reshape(-1)[0]) if lam_arr.size == 1 else None
    except (TypeError, ValueError):
        lam = None
    if lam is None or not 0.0 < lam < 1.0:
        return False, f"the witness's lam is {fmt(witness[2])}, expected a number strictly between 0 and 1", "", \
            float("nan")
    w1, w2 = points
    f = build(fixtures, case.args[0])
    try:
        gap = _gap(f, w1, w2, lam)
    except Exception as exc:  # the fixture cannot fail on a finite point; report rather than crash
        return False, f"the witness could not be checked ({type(exc).__name__}: {exc})", "", float("nan")
    if gap > tol:
        return True, "", "", gap
    problem = (f"the witness w1={fmt(w1)}, w2={fmt(w2)}, lam={lam:.4g} has a Jensen gap of {gap:.3g} "
               f"(recomputed by the grader), which is not above tol={tol:g}: it is not a violation")
    if case.note == "convex" and gap >= -1e-12:
        hint = ("this function is convex: a gap of 0 or a tiny positive one is rounding noise, not a "
                "violation, so test gap > tol rather than gap > 0 or gap >= 0")
    elif case.note == "convex":
        hint = "this function is convex, and a witness must be a sample whose gap exceeds tol"
    elif case.note == "below_tol":
        hint = (f"every gap of this function is below tol={tol:g}, so the answer is (True, None): compare "
                "the gap with the tol that was passed in")
    elif _gap(f, w2, w1, lam) > tol or _gap(f, w1, w2, 1 - lam) > tol:
        hint = "w1 and w2 (or lam and 1 - lam) seem swapped: return exactly the sample that was tested"
    else:
        hint = ("return exactly the sample whose gap exceeded the tol passed in (not another sample, "
                "such as the last one drawn)")
    return False, problem, hint, gap


def judge_check_convexity(test: FunctionTest, case: Case, got, ref) -> Verdict:
    """(True, None) passes when the reference found no violation either;
    (False, witness) passes when the witness is genuine, whatever the reference found."""
    failed = precheck(got, ref)
    if failed:
        return failed
    value = got.value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Verdict(False, f"returned {fmt(value)}, expected a pair (True, None) or (False, (w1, w2, lam))")
    verdict, witness = value
    if not isinstance(verdict, (bool, np.bool_)):
        return Verdict(False, f"the first item of the result is {fmt(verdict)}, expected True or False")
    ref_convex = bool(ref.value[0])
    if bool(verdict):
        if witness is not None:
            return Verdict(False, f"returned (True, {fmt(witness)}), expected (True, None)",
                           "a convex verdict has no witness: return None as the second item")
        if ref_convex:
            return Verdict(True)
        w1, w2, lam = ref.value[1]
        gap = _gap(build(fixtures, case.args[0]), np.asarray(w1), np.asarray(w2), float(lam))
        return Verdict(False, (f"returned (True, None), but the function is not convex: for example "
                               f"w1={fmt(np.asarray(w1))}, w2={fmt(np.asarray(w2))}, lam={float(lam):.4g} "
                               f"give a Jensen gap of {gap:.3g} > tol"), case.note or MISSED_GENERIC)
    genuine, problem, hint, _ = verify_witness(case, witness)
    return Verdict(True) if genuine else Verdict(False, problem, hint)

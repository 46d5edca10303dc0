"""Hidden tests of ps4_convexity: a convexity checker, and why deep networks are not convex.

check_convexity has a judge of its own: a non-convex verdict is accepted when
its witness is genuine, which is decided here, in the grading process, by
recomputing the Jensen gap with the fixture function (the gap or verdict the
student computed is never used).  Any genuine witness passes, so another
sampling order or seed is fine.  A convex verdict passes when the reference
found no violation either.  The non-convex cases violate Jensen's inequality on
a large share of their box (4% of uniform samples or more, measured; the unit
tests assert more than 3%), so an honest sampler with any seed misses one with
probability below 1e-25.

The typical mistakes of the other functions are wrong implementations
registered with ``@mistake(hint)`` next to their cases (see
:mod:`depthlab.checks.mistakes`); a ``diagnose_*`` is left for messages about a
type, a shape or a property no single wrong implementation stands for (is_psd
answers True or False, so its mistakes are told apart by the matrix).
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps4_convexity as fixtures
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.questions_ps4_convexity import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.checks.toolkit import as_array, build, random_spd
from depthlab.judge.compare import fmt, precheck
from depthlab.judge.spec import AssignmentSpec, Case, Fixture, FunctionTest, Verdict

mistake = Catalogue(fixtures)


def _permutation_with_cycle(rng, n):
    """A random permutation of n >= 3 items that is not its own inverse."""
    while True:
        perm = rng.permutation(n)
        if not np.array_equal(perm[perm], np.arange(n)):
            return perm


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


# --- is_psd --------------------------------------------------------------------

def _with_eigenvalues(rng, eigenvalues):
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    H = Q @ np.diag(eigenvalues) @ Q.T
    return (H + H.T) / 2


def is_psd_cases(rng):
    K = rng.normal(size=(4, 4)) * 4
    skew = np.triu(K, 1) - np.triu(K, 1).T
    upper = np.triu(rng.uniform(2, 4, size=(4, 4)), 1) + np.diag(rng.uniform(0.5, 1.5, 4))
    S = rng.normal(size=(5, 5))
    return [
        Case((np.array([[2.0, 0.0], [0.0, 1.0]]),), label="H = [[2, 0], [0, 1]]", public=True),
        Case((np.array([[1.0, 0.0], [0.0, -1.0]]),), label="H = [[1, 0], [0, -1]]", public=True),
        Case((np.array([[1.0, 10.0], [0.0, 1.0]]),),
             label="H = [[1, 10], [0, 1]] (eigenvalues 1 and 1, symmetric part indefinite)", public=True),
        Case((np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),), label="a 2x3 matrix", public=True),
        Case((np.array([[0.0, -1.0], [1.0, 0.0]]),), label="H = [[0, -1], [1, 0]] (a rotation: symmetric part 0)"),
        Case((np.array([[1.0, -3.0], [3.0, 1.0]]),), label="H = [[1, -3], [3, 1]] (symmetric part the identity)"),
        Case((_with_eigenvalues(rng, rng.uniform(0.1, 2, 4)) + skew,),
             label="a 4x4 matrix: positive definite symmetric part plus a large antisymmetric part"),
        Case((upper,), label="a 4x4 upper triangular matrix with positive diagonal and large entries above it"),
        Case((np.array([[1.0, 1.0], [1.0, 1.0]]),), label="H = [[1, 1], [1, 1]] (singular, PSD)"),
        Case((np.array([[1.0, 0.0], [0.0, 0.0]]),), label="H = [[1, 0], [0, 0]] (an eigenvalue exactly 0)"),
        Case((_with_eigenvalues(rng, [-1e-12, 1.0, 2.0]),), label="a symmetric 3x3 matrix with eigenvalues -1e-12, 1, 2"),
        Case((_with_eigenvalues(rng, [-1e-8, 1.0, 2.0]),), label="a symmetric 3x3 matrix with eigenvalues -1e-8, 1, 2"),
        Case((_with_eigenvalues(rng, [-1e-8, 1.0, 2.0]),), kwargs={"tol": 1e-6},
             label="a symmetric 3x3 matrix with eigenvalues -1e-8, 1, 2, tol=1e-6"),
        Case((np.diag([1.0, -1e-9]),), label="H = diag(1, -1e-9) (an eigenvalue just below -tol)"),
        Case((-np.eye(4) + skew,), label="a 4x4 matrix: -I plus a large antisymmetric part"),
        Case((np.zeros((2, 2)),), label="the 2x2 zero matrix"),
        Case((S @ S.T,), label="a random 5x5 matrix B @ B.T"),
        Case((S + S.T,), label="a random symmetric 5x5 matrix B + B.T (indefinite)"),
        Case(([[3.0]],), label="H = [[3]] given as a list"),
        Case(([[-0.5]],), label="H = [[-0.5]] given as a list"),
        Case((np.array([1.0, 2.0]),), label="a vector of shape (2,)"),
    ]


def diagnose_is_psd(case, got, ref):
    if not isinstance(got, (bool, np.bool_)):
        return "return a single True or False"
    H = np.asarray(case.args[0], dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        return ""
    symmetric = np.allclose(H, H.T)
    low = np.linalg.eigvalsh((H + H.T) / 2).min()
    if bool(got) and not ref:
        if not symmetric:
            return ("w @ H @ w only sees the symmetric part (H + H.T) / 2, and its eigenvalues decide: "
                    "not the eigenvalues of H itself, nor of one triangle of H")
        return "an eigenvalue below -tol means the matrix is not positive semidefinite"
    if not got and ref:
        if not symmetric and (low > 1e-9 or np.linalg.eigvalsh(H).min() < low - 1e-9):
            return ("w @ H @ w only sees the symmetric part (H + H.T) / 2: use its eigenvalues (eigvalsh reads "
                    "only one triangle of H, and the eigenvalues of a non-symmetric H may be complex)"
                    + ("; an eigenvalue 0 still counts as positive semidefinite" if low <= 1e-9 else ""))
        if low >= -1e-15:
            return ("an eigenvalue 0 (up to rounding) still counts as positive semidefinite (a Cholesky "
                    "factorization fails there)")
        return "an eigenvalue just below 0 but above -tol still counts: compare with -tol"
    return ""


# --- quadratic_minimizer ------------------------------------------------------

def quadratic_minimizer_cases(rng):
    cases = [
        Case((np.eye(2), np.array([-2.0, -2.0])), label="the bowl g: A = I, b = [-2, -2]", public=True),
        Case((np.diag([2.0, 0.5]), np.array([4.0, -1.0])), label="A = diag(2, 0.5), b = [4, -1]", public=True),
        Case(([[3.0]], [1.5]), label="A = [[3]], b = [1.5] given as lists"),
        Case(([[2.0, 1.0], [1.0, 2.0]], [1.0, 0.0]), label="A = [[2, 1], [1, 2]], b = [1, 0]"),
    ]
    for d in (3, 5):
        cases.append(Case((random_spd(rng, d), rng.normal(size=d) * 3),
                          label=f"a random symmetric positive definite {d}x{d} A, random b"))
    return cases


@mistake("the gradient of w @ A @ w is 2*A @ w: the factor 2 is missing")
def quadratic_minimizer__forgets_factor_two(A, b):
    return -np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))


@mistake("the sign is flipped: the gradient is not zero there; check b's sign when it moves across the system")
def quadratic_minimizer__sign_flipped(A, b):
    return np.linalg.solve(2 * np.asarray(A, dtype=float), np.asarray(b, dtype=float))


@mistake("the off-diagonal entries of A couple the coordinates: solve the linear system with the whole A")
def quadratic_minimizer__diagonal_only(A, b):
    """Minimizes each coordinate separately: a_ii * w_i**2 + b_i * w_i."""
    return -np.asarray(b, dtype=float) / (2 * np.diag(np.asarray(A, dtype=float)))


# --- compose ------------------------------------------------------------------

def compose_cases(rng):
    M = rng.normal(size=(2, 3))
    c = rng.normal(size=2)
    pts = [tuple([rng.uniform(-2, 2, 3)]) for _ in range(3)]
    xs = rng.uniform(-1.5, 1.5, size=3)
    return [
        Case((Fixture("elementwise", {"name": "square"}), Fixture("scalar_affine", {"a": 2.0, "c": 1.0})),
             then=((3.0,), (-1.0,)), public=True,
             label="outer z -> z^2, inner x -> 2x + 1, the result called at 3 and at -1"),
        Case((Fixture("square_sum"), Fixture("linear_map", {"M": np.array([[1.0, -1.0]])})),
             then=((np.array([3.0, 1.0]),), (np.array([-1.0, 2.5]),)), public=True,
             label="outer z -> |z|^2, inner w -> w[0] - w[1], called at [3, 1] and [-1, 2.5]"),
        Case((Fixture("affine", {"a": np.array([1.0, -1.0])}), Fixture("elementwise", {"name": "square"})),
             then=((np.array([3.0, 1.0]),), (np.array([0.5, -2.0]),)),
             label="outer z -> z[0] - z[1], inner w -> w^2 elementwise, called at [3, 1] and [0.5, -2]"),
        Case((Fixture("logsumexp"), Fixture("linear_map", {"M": M, "c": c})), then=tuple(pts),
             label="outer log-sum-exp, inner a random affine map from 3 to 2 dimensions, called at 3 points"),
        Case((Fixture("elementwise", {"name": "exp"}), Fixture("elementwise", {"name": "tanh"})),
             then=tuple((float(x),) for x in xs), label="outer exp, inner tanh, called at 3 numbers"),
    ]


# --- permute_hidden -----------------------------------------------------------

def _net(rng, h, d):
    return {"W1": rng.normal(size=(h, d)), "b1": rng.normal(size=h), "w2": rng.normal(size=h),
            "b2": float(rng.normal())}


def permute_hidden_cases(rng):
    small = {"W1": np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "b1": np.array([0.1, 0.2, 0.3]),
             "w2": np.array([10.0, 20.0, 30.0]), "b2": 0.5}
    cases = [Case((small, np.array([1, 2, 0])), public=True,
                  label="3 hidden units with W1 rows [1, 2], [3, 4], [5, 6], perm = [1, 2, 0]")]
    for h, d in ((4, 4), (5, 3), (6, 1), (3, 3)):
        perm = _permutation_with_cycle(rng, h)
        cases.append(Case((_net(rng, h, d), perm), label=f"{h} hidden units, {d} inputs, perm = {perm.tolist()}"))
    perm = [2, 0, 3, 1]
    cases.append(Case((_net(rng, 4, 2), perm), label="4 hidden units, 2 inputs, perm = [2, 0, 3, 1] given as a list"))
    cases.append(Case((_net(rng, 3, 2), np.arange(3)), label="3 hidden units, the identity permutation"))
    return cases


@mistake("that is the inverse permutation: new hidden unit i is old unit perm[i]")
def permute_hidden__inverse_permutation(params, perm):
    new = {"W1": np.zeros_like(params["W1"]), "b1": np.zeros_like(params["b1"]),
           "w2": np.zeros_like(params["w2"]), "b2": params["b2"]}
    for i, p in enumerate(perm):      # sends old unit i to position perm[i]
        new["W1"][p] = params["W1"][i]
        new["b1"][p] = params["b1"][i]
        new["w2"][p] = params["w2"][i]
    return new


@mistake("the hidden units are the rows of W1 (one row per unit): permute rows, not columns")
def permute_hidden__columns(params, perm):
    return {"W1": np.asarray(params["W1"])[:, perm], "b1": np.asarray(params["b1"])[perm],
            "w2": np.asarray(params["w2"])[perm], "b2": params["b2"]}


@mistake("w2 holds one entry per hidden unit: it must be permuted together with the rows of W1")
def permute_hidden__forgets_w2(params, perm):
    return {"W1": np.asarray(params["W1"])[perm], "b1": np.asarray(params["b1"])[perm],
            "w2": np.array(params["w2"], dtype=float), "b2": params["b2"]}


@mistake("b1 holds one entry per hidden unit: it must be permuted together with the rows of W1")
def permute_hidden__forgets_b1(params, perm):
    return {"W1": np.asarray(params["W1"])[perm], "b1": np.array(params["b1"], dtype=float),
            "w2": np.asarray(params["w2"])[perm], "b2": params["b2"]}


def diagnose_permute_hidden(case, got, ref):
    if not isinstance(got, dict) or set(got) != set(ref):
        return "return a dict with the keys W1, b1, w2 and b2"
    return ""


# --- multistart_descent -------------------------------------------------------

def multistart_descent_cases(rng):
    A = np.diag([1.0, 3.0])
    b = rng.normal(size=2)
    return [
        Case((Fixture("quadratic_grad", {"A": np.array([[1.0]])}), np.array([[1.0], [-2.0]]), 0.25, 1),
             public=True, label="the gradient of w^2, starts [[1], [-2]], lr=0.25, one step"),
        Case((Fixture("quadratic_grad", {"A": A, "b": b}), rng.uniform(-3, 3, (4, 2)), 0.1, 5),
             label="the gradient of a 2-D quadratic bowl, 4 random starts, lr=0.1, 5 steps"),
        Case((Fixture("wiggly_grad"), np.linspace(-4, 4, 6).reshape(6, 1), 0.05, 7),
             label="the gradient of 0.1*w^2 + sin(2w), 6 starts in [-4, 4], lr=0.05, 7 steps"),
        Case((Fixture("wiggly_grad"), rng.uniform(-4, 4, (5, 1)), 0.05, 300),
             label="the gradient of 0.1*w^2 + sin(2w), 5 random starts, lr=0.05, 300 steps"),
        Case((Fixture("double_well_grad"), rng.uniform(-1.5, 1.5, (6, 3)), 0.05, 4),
             label="the gradient of sum((w^2 - 1)^2), 6 random starts in 3 dimensions, lr=0.05, 4 steps"),
        Case((Fixture("double_well_grad"), [[0.5, -0.5], [1.2, 0.1]], 0.1, 3),
             label="the gradient of sum((w^2 - 1)^2), starts [[0.5, -0.5], [1.2, 0.1]] given as lists, lr=0.1, 3 steps"),
        Case((Fixture("quadratic_grad", {"A": A, "b": b}), rng.uniform(-3, 3, (3, 2)), 0.1, 0),
             label="a 2-D quadratic bowl, 3 random starts, 0 steps"),
        Case((Fixture("quadratic_grad", {"A": A}), np.array([[2.0, -1.0]]), 0.2, 2),
             label="a 2-D quadratic bowl, the single start [[2, -1]], lr=0.2, 2 steps"),
    ]


@mistake("descent steps against the gradient: w - lr * grad(w)")
def multistart_descent__ascent(grad_fn, starts, lr, n_steps):
    finals = []
    for w in np.asarray(starts, dtype=float):
        for _ in range(n_steps):
            w = w + lr * grad_fn(w)
        finals.append(w)
    return np.array(finals)


@mistake("one step too few: take exactly n_steps steps")
def multistart_descent__one_step_short(grad_fn, starts, lr, n_steps):
    starts = np.asarray(starts, dtype=float)
    out = []
    for w in starts:
        for _ in range(n_steps - 1):
            w = w - lr * grad_fn(w)
        out.append(w)
    return np.array(out)


@mistake("one step too many: take exactly n_steps steps")
def multistart_descent__one_step_too_many(grad_fn, starts, lr, n_steps):
    starts = np.asarray(starts, dtype=float)
    out = []
    for w in starts:
        for _ in range(n_steps + 1):
            w = w - lr * grad_fn(w)
        out.append(w)
    return np.array(out)


def diagnose_multistart_descent(case, got, ref):
    starts, n = np.asarray(case.args[1], float), case.args[3]
    g = as_array(got)
    if g is not None and g.ndim == 3 and g.shape[:2] in ((starts.shape[0], n + 1), (n + 1, starts.shape[0])):
        return "return only the final point of each run, not the whole path"
    return ""


# --- distinct_minima ----------------------------------------------------------

def _clustered(rng, k, d, tol, per):
    """k well separated clusters, each of diameter below tol, shuffled."""
    centres = [rng.uniform(-5, 5, d)]
    while len(centres) < k:
        c = rng.uniform(-5, 5, d)
        if min(np.linalg.norm(c - e) for e in centres) > 20 * tol:
            centres.append(c)
    pts = [c + rng.uniform(-1, 1, d) * tol / (3 * np.sqrt(d)) for c in centres for _ in range(per)]
    return np.array(pts)[rng.permutation(k * per)]


def distinct_minima_cases(rng):
    tol_big = float(rng.uniform(0.02, 0.1))
    return [
        Case((np.array([[0.0], [1.0], [0.0005], [2.0], [1.0002]]),), public=True,
             label="points 0, 1, 0.0005, 2, 1.0002 (as rows), tol=1e-3"),
        Case((np.array([[3.0], [1.0], [3.0004], [2.0], [1.0001], [3.0002]]),), public=True,
             label="points 3, 1, 3.0004, 2, 1.0001, 3.0002 (as rows; not sorted, duplicates far apart)"),
        Case((np.array([[0.0, 0.0], [0.75, 1.0]]),), kwargs={"tol": 1.25}, public=True,
             label="points [0, 0] and [0.75, 1] at distance exactly 1.25, tol=1.25"),
        Case((np.array([[0.0, 0.0], [0.75, 1.0]]),), kwargs={"tol": 1.2499},
             label="points [0, 0] and [0.75, 1] at distance 1.25, tol=1.2499"),
        Case((np.array([[0.0, 0.0], [0.0008, 0.0008]]),),
             label="points [0, 0] and [0.0008, 0.0008]: distance 0.00113, tol=1e-3"),
        Case((np.array([[1000.0, -1000.0], [1000.004, -1000.0], [1000.0, -999.9995]]),),
             label="points near [1000, -1000] at distances 0.004 and 0.0005, tol=1e-3"),
        Case((_clustered(rng, 4, 2, 1e-3, 3),), label="12 points in 4 tight clusters in 2-D, shuffled, tol=1e-3"),
        Case((_clustered(rng, 5, 3, tol_big, 2),), kwargs={"tol": tol_big},
             label=f"10 points in 5 tight clusters in 3-D, shuffled, tol={tol_big:.3g}"),
        Case((np.array([[0.7, -0.2, 1.0]]),), label="a single point"),
        Case(([[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]],), label="three equal points given as lists"),
    ]


@mistake("points at distance exactly tol are near-duplicates too: distance <= tol counts")
def distinct_minima__strict_less(points, tol=1e-3):
    points = np.asarray(points, dtype=float)
    kept = []
    for p in points:
        if all(np.linalg.norm(p - q) >= tol for q in kept):
            kept.append(p)
    return np.array(kept)


@mistake("a point within tol of ANY point kept so far is a duplicate, not only of the previous one")
def distinct_minima__previous_only(points, tol=1e-3):
    points = np.asarray(points, dtype=float)
    kept = [points[0]]
    for k in range(1, len(points)):
        if np.linalg.norm(points[k] - points[k - 1]) > tol:
            kept.append(points[k])
    return np.array(kept)


@mistake("distance means the Euclidean distance |p - q| (np.allclose compares coordinates one by one "
         "and adds a relative tolerance)")
def distinct_minima__allclose(points, tol=1e-3):
    kept = []
    for p in np.asarray(points, dtype=float):
        if not any(np.allclose(p, q, atol=tol) for q in kept):
            kept.append(p)
    return np.array(kept)


@mistake("keep the FIRST point of each group of near-duplicates")
def distinct_minima__keeps_last(points, tol=1e-3):
    """Keeps the last point of each group of near-duplicates."""
    points = np.asarray(points, dtype=float)
    kept = []
    for k, p in enumerate(points):
        if all(np.linalg.norm(p - q) > tol for q in points[k + 1:]):
            kept.append(p)
    return np.array(kept)


def diagnose_distinct_minima(case, got, ref):
    g, r = as_array(got), np.asarray(ref, dtype=float)
    if g is None:
        return ""
    if g.shape == r.shape and np.allclose(np.sort(g, axis=0), np.sort(r, axis=0)):
        return "keep the points in the order they come (np.unique sorts them)"
    if g.ndim == 2 and r.ndim == 2 and g.shape[0] > r.shape[0]:
        return "some kept points are within tol (Euclidean distance) of an earlier kept point"
    if g.ndim == 2 and r.ndim == 2 and g.shape[0] < r.shape[0]:
        return "only points within Euclidean distance tol (inclusive) of a kept point are duplicates"
    return "keep the first point of each group of near-duplicates, in order"


SPEC = AssignmentSpec(
    name="ps4_convexity",
    reference_module="solutions.ps4_convexity",
    fixture_module="depthlab.checks.fixtures_ps4_convexity",
    tests=(
        FunctionTest("jensen_gap", 2, jensen_gap_cases, mistakes=mistake.of("jensen_gap")),
        FunctionTest("check_convexity", 5, check_convexity_cases, judge=judge_check_convexity, timeout=30),
        FunctionTest("is_psd", 3, is_psd_cases, diagnose=diagnose_is_psd),
        FunctionTest("quadratic_minimizer", 2, quadratic_minimizer_cases, mistakes=mistake.of("quadratic_minimizer")),
        FunctionTest("compose", 2, compose_cases,
                     hint="the result is w -> outer(inner(w)): inner is applied first"),
        FunctionTest("permute_hidden", 3, permute_hidden_cases, diagnose=diagnose_permute_hidden,
                     mistakes=mistake.of("permute_hidden"),
                     hint="hidden unit i is row i of W1 and entry i of b1 and w2; new unit i is old unit perm[i]"),
        FunctionTest("multistart_descent", 2, multistart_descent_cases, diagnose=diagnose_multistart_descent,
                     mistakes=mistake.of("multistart_descent")),
        FunctionTest("distinct_minima", 3, distinct_minima_cases, diagnose=diagnose_distinct_minima,
                     mistakes=mistake.of("distinct_minima")),
        *QUESTIONS,
    ),
)

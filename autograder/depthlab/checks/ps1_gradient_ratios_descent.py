"""Hidden tests of ps1_gradient_ratios, part 1: the bowl and steepest descent on it
(``bowl_loss``, ``bowl_grad``, ``gradient_descent``, ``direction_reversals``): each
function's cases, typical mistakes and diagnosis, and the input labels the other
parts share.  The spec is assembled in :mod:`depthlab.checks.ps1_gradient_ratios`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks import fixtures_ps1_gradient_ratios as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import as_array, random_spd
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import Case, Fixture, Verdict

mistake = Catalogue(fx)


# --------------------------------------------------------------------------- labels

def _num(x) -> str:
    return f"{float(x):.4g}"


def _vec(w) -> str:
    w = np.asarray(w)
    if w.ndim == 1 and w.size <= 4:
        return "(" + ", ".join(_num(v) for v in w) + ")"
    return f"an array of shape {w.shape}"


def _bowl(a, b) -> str:
    return f"bowl a={_num(a)}, b={_num(b)}"


def _rand_ab(rng, low=0.3, high=6.0):
    """Two bowl coefficients at least 30% apart, so swapping them shows."""
    while True:
        a, b = rng.uniform(low, high, size=2)
        if abs(a - b) > 0.3 * max(a, b):
            return float(a), float(b)


def _bowl_path(a, b, w0, lr, n_steps):
    """Descent on the bowl, computed here to build cases (not the reference)."""
    path = [np.asarray(w0, dtype=float)]
    scale = 2.0 * np.array([a, b])
    for _ in range(n_steps):
        path.append(path[-1] - lr * scale * path[-1])
    return np.array(path)


def _with_batch_hint(test, case, got, ref) -> Verdict:
    """judge_close, plus a hint when a batch of points made the function fail."""
    verdict = judge_close(test, case, got, ref)
    if not verdict.passed and not verdict.hint and np.ndim(case.args[0]) > 1:
        return Verdict(False, verdict.problem,
                       "w can hold many points, shape (..., 2): take x = w[..., 0] and y = w[..., 1]")
    return verdict


# --------------------------------------------------------------------------- bowl_loss

def _random_points(rng) -> list:
    """The random cases bowl_loss and bowl_grad share: points with random and default
    coefficients, batches of points of several shapes, and a list of ints."""
    cases = []
    for _ in range(2):
        a, b = _rand_ab(rng)
        w = rng.normal(size=2) * 2
        cases.append(Case((w,), {"a": a, "b": b}, label=f"w={_vec(w)}, a={_num(a)}, b={_num(b)}"))
    w = rng.normal(size=2) * 2
    cases.append(Case((w,), label=f"w={_vec(w)}, default a and b"))
    for shape in [(2, 2), (5, 2), (3, 4, 2)]:
        a, b = _rand_ab(rng)
        w = rng.normal(size=shape) * 2
        cases.append(Case((w,), {"a": a, "b": b}, label=f"w of shape {shape}, a={_num(a)}, b={_num(b)}"))
    cases.append(Case(([[1, 2], [-3, 0], [0, 4]],), {"a": 2, "b": 0.5},
                      label="w=[[1, 2], [-3, 0], [0, 4]] (a list of ints), a=2, b=0.5"))
    return cases


def bowl_loss_cases(rng):
    a, b = _rand_ab(rng)
    cases = [
        Case((np.array([1.0, 1.0]),), label="w=(1, 1), default a and b", public=True),
        Case((np.array([3.0, -2.0]),), {"a": 1.0, "b": 1.0}, label="w=(3, -2), a=1, b=1", public=True),
        Case((np.array([[1.0, 1.0], [3.0, -2.0]]),), label="two points w=[[1, 1], [3, -2]], default a and b",
             public=True),
        Case((np.array([0.0, 0.0]),), {"a": a, "b": b}, label=f"the minimum w=(0, 0), a={_num(a)}, b={_num(b)}"),
    ]
    return cases + _random_points(rng)


@mistake("a and b seem swapped: a multiplies x**2 and b multiplies y**2")
def bowl_loss__swaps_a_and_b(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return b * w[..., 0] ** 2 + a * w[..., 1] ** 2


@mistake("the coordinates are not squared")
def bowl_loss__forgets_square(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return a * w[..., 0] + b * w[..., 1]


@mistake("the result has a square root: the bowl is a*x**2 + b*y**2, not a distance")
def bowl_loss__square_root(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return np.sqrt(a * w[..., 0] ** 2 + b * w[..., 1] ** 2)


@mistake("the default coefficients should be a=1.0, b=4.0")
def bowl_loss__wrong_defaults(w, a=1.0, b=1.0):
    w = np.asarray(w, dtype=float)
    return a * w[..., 0] ** 2 + b * w[..., 1] ** 2


@mistake("x, y = w takes the first two rows, not the two coordinates: use w[..., 0] and w[..., 1]")
def bowl_loss__unpacks_rows(w, a=1.0, b=4.0):
    x, y = np.asarray(w, dtype=float)
    return a * x ** 2 + b * y ** 2


def diagnose_bowl_loss(case, got, ref) -> Optional[str]:
    g = as_array(got)
    if g is not None and g.ndim == 0 and np.ndim(ref) > 0:
        return "the result should hold one loss per point, shape w.shape[:-1]: do not sum over the points"
    return None


# --------------------------------------------------------------------------- bowl_grad

def bowl_grad_cases(rng):
    cases = [
        Case((np.array([1.0, 1.0]),), label="w=(1, 1), default a and b", public=True),
        Case((np.array([3.0, -2.0]),), {"a": 1.0, "b": 1.0}, label="w=(3, -2), a=1, b=1", public=True),
        Case((np.array([[1.0, 1.0], [3.0, -2.0]]),), label="two points w=[[1, 1], [3, -2]], default a and b",
             public=True),
    ]
    return cases + _random_points(rng)


@mistake("a and b seem swapped: a goes with x and b with y")
def bowl_grad__swaps_a_and_b(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    return 2 * w * np.array([b, a])


@mistake("the default coefficients should be a=1.0, b=4.0")
def bowl_grad__wrong_defaults(w, a=1.0, b=1.0):
    w = np.asarray(w, dtype=float)
    return 2 * w * np.array([a, b])


def diagnose_bowl_grad(case, got, ref) -> Optional[str]:
    ref = np.asarray(ref, dtype=float)
    g = as_array(got)
    if g is not None and ref.ndim > 1 and g.shape == (2,) + ref.shape[:-1]:
        return "the two components are stacked along the first axis: stack them along the last one (np.stack(..., axis=-1))"
    return None


# --------------------------------------------------------------------------- gradient_descent

def gradient_descent_cases(rng):
    cases = [
        Case((Fixture("bowl_grad", {"a": 1.0, "b": 4.0}), np.array([1.0, 1.0]), 0.1, 3),
             label="bowl a=1, b=4, w0=(1, 1), lr=0.1, 3 steps", public=True),
        Case((Fixture("bowl_grad", {"a": 1.0, "b": 4.0}), np.array([2.0, -1.0]), 0.1, 0),
             label="bowl a=1, b=4, w0=(2, -1), lr=0.1, 0 steps", public=True),
        Case((Fixture("quadratic_grad", {"A": 2.0 * np.eye(3), "center": np.zeros(3)}), np.array([1.0, 2.0, 3.0]),
              0.25, 2), label="the gradient 2*w in 3 dimensions, w0=(1, 2, 3), lr=0.25, 2 steps", public=True),
    ]
    for n_steps in (1, 25):
        a, b = _rand_ab(rng)
        w0 = rng.normal(size=2) * 2
        lr = float(rng.uniform(0.1, 0.95) / max(a, b))
        cases.append(Case((Fixture("bowl_grad", {"a": a, "b": b}), w0, lr, n_steps),
                          label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)}, {n_steps} steps"))
    a, b = _rand_ab(rng)
    w0 = rng.normal(size=2)
    lr = float(rng.uniform(1.05, 1.3) / max(a, b))
    cases.append(Case((Fixture("bowl_grad", {"a": a, "b": b}), w0, lr, 12),
                      label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)} above the stable limit, 12 steps"))
    for d in (1, 3, 5):
        A, c = random_spd(rng, d), rng.normal(size=d)
        w0 = rng.normal(size=d) * 2
        lr = float(rng.uniform(0.05, 0.3))
        cases.append(Case((Fixture("quadratic_grad", {"A": A, "center": c}), w0, lr, 8),
                          label=f"a quadratic in {d} dimensions, w0={_vec(w0)}, lr={_num(lr)}, 8 steps"))
    cases.append(Case((Fixture("quartic_grad", {}), np.array([0.8, -0.5]), 0.05, 10),
                      label="the quartic sum(w**4), w0=(0.8, -0.5), lr=0.05, 10 steps"))
    cases.append(Case((Fixture("bowl_grad", {"a": 1.0, "b": 1.0}), [2, -1], 0.25, 4),
                      label="bowl a=1, b=1, w0=[2, -1] (a list of ints), lr=0.25, 4 steps"))
    return cases


MISSES_START = "the path misses its start: path[0] must be w0"


@mistake(MISSES_START)
def gradient_descent__drops_start(grad_fn, w0, lr, n_steps):
    """Records each point after its step: n_steps rows, without w0."""
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps):
        w = w - lr * grad_fn(w)
        path.append(w)
    return np.array(path)


@mistake(MISSES_START + ", and path[n_steps] the point after n_steps steps")
def gradient_descent__misses_start(grad_fn, w0, lr, n_steps):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps + 1):
        w = w - lr * grad_fn(w)
        path.append(w)
    return np.array(path)


@mistake("the path stops one step early: it needs n_steps + 1 rows")
def gradient_descent__stops_one_step_early(grad_fn, w0, lr, n_steps):
    path = [np.array(w0, dtype=float)]
    for _ in range(n_steps - 1):
        path.append(path[-1] - lr * grad_fn(path[-1]))
    return np.array(path)


@mistake("the step goes uphill: subtract lr * grad_fn(w)")
def gradient_descent__goes_uphill(grad_fn, w0, lr, n_steps):
    path = [np.array(w0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] + lr * grad_fn(path[-1]))
    return np.array(path)


def diagnose_gradient_descent(case, got, ref) -> Optional[str]:
    g = as_array(got)
    ref = np.asarray(ref, dtype=float)
    w0 = np.asarray(case.args[1], dtype=float)
    if g is None:
        return None
    if g.ndim == 1 and ref.shape[0] == 1 and g.shape == w0.shape:
        return "return the path as a 2-D array of shape (n_steps + 1, d), even for 0 steps"
    if g.ndim == 2 and ref.ndim == 2 and g.shape[0] == ref.shape[0] + 1:
        return "the path has one row too many: n_steps steps give n_steps + 1 points"
    if g.shape == ref.shape and g.ndim == 2 and g.shape[0] > 2 and np.allclose(g, g[-1], rtol=0, atol=0) \
            and not np.allclose(ref, ref[-1]):
        return ("every row is the same array: the path holds several references to one array that was "
                "updated in place; store w.copy(), or write w = w - lr * g")
    return None

# --------------------------------------------------------------------------- direction_reversals

def direction_reversals_cases(rng):
    zigzag = _bowl_path(1.0, 4.0, [2.0, 1.0], 0.2, 8)
    cases = [
        Case((np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]), 0),
             label="x going 0, 1, 0, 1 (axis 0)", public=True),
        Case((np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]), 1),
             label="y staying 0 while x moves (axis 1)", public=True),
        Case((zigzag, 1), label="9 iterates of descent on bowl a=1, b=4 with lr=0.2, along y (axis 1)", public=True),
        Case((zigzag, 0), label="9 iterates of descent on bowl a=1, b=4 with lr=0.2, along x (axis 0)", public=True),
        Case((np.array([[-2.0, 0.0], [-1.0, 0.0], [1.0, 0.0], [2.0, 0.0]]), 0), public=True,
             label="x going -2, -1, 1, 2: crossing zero without turning back (axis 0)"),
        Case((np.array([[-2.0, 5.0], [-1.0, 5.0], [1.0, 4.0], [2.0, 3.0]]), 0),
             label="x going -2, -1, 1, 2 while y falls 5, 5, 4, 3 (axis 0)"),
        Case((np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [0.0, 1.0], [1.0, 0.0]]), 0), public=True,
             label="x going 0, 1, 1, 0, 0, 1: every turn has a pause, a +, 0, - turn counts as none (axis 0)"),
        Case((np.array([[3.0, 1.0]]), 0), label="a path of one point"),
        Case((np.array([[3.0, 1.0], [2.0, 2.0]]), 1), label="a path of two points"),
    ]
    for axis in (0, 1):
        n = int(rng.integers(25, 40))
        walk = np.cumsum(rng.integers(-1, 2, size=(n, 2)), axis=0)
        cases.append(Case((walk, axis), label=f"an integer walk of {n} points with pauses, axis {axis}"))
    walk = np.cumsum(rng.normal(size=(30, 3)), axis=0)
    cases.append(Case((walk, 2), label="a random walk of 30 points in 3 dimensions, axis 2"))
    walk = np.cumsum(rng.normal(size=(20, 2)), axis=0) - 0.5
    cases.append(Case((walk.tolist(), 0), label="a random walk of 20 points given as a list, axis 0"))
    return cases


@mistake("this counts sign changes of the positions; count sign changes of the steps "
         "s_k = path[k+1, axis] - path[k, axis]")
def direction_reversals__counts_position_sign_changes(path, axis):
    x = np.asarray(path, dtype=float)[:, axis]
    return int(np.sum(x[:-1] * x[1:] < 0))


@mistake("a zero step is not a reversal: the condition is s_k * s_{k+1} < 0, strictly")
def direction_reversals__counts_zero_steps(path, axis):
    s = np.diff(np.asarray(path, dtype=float)[:, axis])
    return int(np.sum(s[:-1] * s[1:] <= 0))


@mistake("`axis` picks one coordinate, the column path[:, axis]; its steps are differences of "
         "consecutive rows, counted for that coordinate only")
def direction_reversals__uses_axis_as_numpy_axis(path, axis):
    s = np.diff(np.asarray(path, dtype=float), axis=axis)
    return int(np.sum(s[:-1] * s[1:] < 0))


def diagnose_direction_reversals(case, got, ref) -> Optional[str]:
    return "return the count as an int" if as_array(got) is None else None

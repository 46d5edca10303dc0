"""Hidden tests of ps1_gradient_ratios: steepest descent on the circular and the
elliptical bowl ``a*x**2 + b*y**2``.

Cases are made from the test's seeded ``rng``; the reference runs on them in
the grading process.  Each function's typical mistakes are wrong
implementations registered with ``@mistake(hint)`` next to its cases (see
:mod:`depthlab.checks.mistakes`); a ``diagnose_*`` is left only for messages
about a shape, a type or a family of answers (off by one step).
``plot_descent`` is judged from the description of the Axes it drew on, against
the path the case itself passed in.  ``contraction_factor`` and ``optimal_learning_rate``
get ``a, b > 0`` only (a ``ValueError`` is listed for ``max_stable_learning_rate`` alone).
The short questions (``answer_*``) are declared in :mod:`.questions_ps1_gradient_ratios`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks import fixtures_ps1_gradient_ratios as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.questions_ps1_gradient_ratios import QUESTIONS, answer  # noqa: F401 (its mistakes are checked)
from depthlab.checks.toolkit import Drawing, as_array, contours_drawn, judge_drawing, path_hint, random_spd, span
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import AX, AssignmentSpec, Case, Fixture, FunctionTest, Verdict

NAME = "ps1_gradient_ratios"

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

def bowl_loss_cases(rng):
    a, b = _rand_ab(rng)
    cases = [
        Case((np.array([1.0, 1.0]),), label="w=(1, 1), default a and b", public=True),
        Case((np.array([3.0, -2.0]),), {"a": 1.0, "b": 1.0}, label="w=(3, -2), a=1, b=1", public=True),
        Case((np.array([[1.0, 1.0], [3.0, -2.0]]),), label="two points w=[[1, 1], [3, -2]], default a and b",
             public=True),
        Case((np.array([0.0, 0.0]),), {"a": a, "b": b}, label=f"the minimum w=(0, 0), a={_num(a)}, b={_num(b)}"),
    ]
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


# --------------------------------------------------------------------------- steps_to_converge

def _bowl_fixtures(a, b):
    return Fixture("bowl_loss", {"a": a, "b": b}), Fixture("bowl_grad", {"a": a, "b": b})


def _bowl_losses(a, b, w0, lr, n_steps):
    path = _bowl_path(a, b, w0, lr, n_steps)
    return a * path[:, 0] ** 2 + b * path[:, 1] ** 2


def _first_within(losses, tol):
    hits = np.flatnonzero(losses <= tol)
    return int(hits[0]) if hits.size else None


def steps_to_converge_cases(rng):
    loss4, grad4 = _bowl_fixtures(1.0, 4.0)
    cases = [
        Case((loss4, grad4, np.array([1.0, 1.0]), 0.2), label="bowl a=1, b=4, w0=(1, 1), lr=0.2", public=True),
        Case((loss4, grad4, np.array([1e-5, 0.0]), 0.2),
             label="bowl a=1, b=4, starting within tol at w0=(1e-05, 0), lr=0.2", public=True),
        Case((loss4, grad4, np.array([1.0, 1.0]), 0.3),
             label="bowl a=1, b=4, w0=(1, 1), lr=0.3 (above the stable limit 0.25)", public=True),
        Case((loss4, grad4, np.array([1.0, 0.0]), 0.25), {"tol": 4.0 ** -5}, note="exact", public=True,
             label="bowl a=1, b=4, w0=(1, 0), lr=0.25, tol=4**-5 (the loss after 5 steps, exactly)"),
        Case((loss4, grad4, np.array([1.0, 1.0]), 0.2), {"max_steps": 19}, public=True,
             label="bowl a=1, b=4, w0=(1, 1), lr=0.2, max_steps=19 (20 steps needed)"),
        Case((loss4, grad4, np.array([1.0, 1.0]), 0.2), {"max_steps": 20}, public=True,
             label="bowl a=1, b=4, w0=(1, 1), lr=0.2, max_steps=20 (20 steps needed)"),
    ]
    # randomized convergent runs, on both sides of the optimal rate
    for frac in (0.3, 0.9):
        a, b = _rand_ab(rng)
        loss, grad = _bowl_fixtures(a, b)
        w0 = rng.normal(size=2) * 2
        lr = float(frac / max(a, b))
        cases.append(Case((loss, grad, w0, lr), label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)}"))
    a, b = _rand_ab(rng)
    loss, grad = _bowl_fixtures(a, b)
    w0 = rng.normal(size=2) * 3
    lr = float(1.0 / (a + b))
    cases.append(Case((loss, grad, w0, lr), {"tol": 1e-3},
                      label=f"{_bowl(a, b)}, w0={_vec(w0)}, the optimal lr={_num(lr)}, tol=0.001"))
    # the loss lands exactly on tol at step k (dyadic numbers: every iterate is exact)
    for _ in range(3):
        a = float(rng.choice([0.5, 1.0, 2.0]))
        b = float(rng.choice([1.0, 2.0, 4.0]))
        lr = float(rng.choice([1 / 16, 1 / 8]))
        w0 = rng.integers(1, 5, size=2) * rng.choice([-1.0, 1.0], size=2)
        k = int(rng.integers(2, 6))
        losses = _bowl_losses(a, b, w0, lr, k + 1)
        assert losses[k - 1] > losses[k] > losses[k + 1]
        loss, grad = _bowl_fixtures(a, b)
        cases.append(Case((loss, grad, w0, lr), {"tol": float(losses[k])}, note="exact",
                          label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)}, tol={losses[k]:.17g} "
                                f"(the loss after {k} steps, exactly)"))
    # max_steps boundaries: converging on the last allowed step, and one step short
    a, b = _rand_ab(rng)
    loss, grad = _bowl_fixtures(a, b)
    w0 = rng.normal(size=2) * 2
    lr = float(0.5 / max(a, b))
    losses = _bowl_losses(a, b, w0, lr, 200)
    k = int(rng.integers(8, 20))
    tol = float(np.sqrt(losses[k] * losses[k - 1]))     # strictly between two steps' losses
    assert _first_within(losses, tol) == k
    for max_steps, what in ((k, "reached on the last allowed step"), (k - 1, "not reached within max_steps")):
        cases.append(Case((loss, grad, w0, lr), {"tol": tol, "max_steps": max_steps},
                          label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)}, tol={tol:.4g}, "
                                f"max_steps={max_steps} ({what})"))
    # slow descent that never gets there: None, not max_steps
    a, b = _rand_ab(rng)
    loss, grad = _bowl_fixtures(a, b)
    cases.append(Case((loss, grad, np.array([1.0, -1.0]), 0.001), {"max_steps": 50},
                      label=f"{_bowl(a, b)}, w0=(1, -1), lr=0.001, max_steps=50 (too slow to converge)"))
    # on and above the stability limit: never converges, or diverges to inf
    a, b = _rand_ab(rng)
    loss, grad = _bowl_fixtures(a, b)
    w0 = rng.normal(size=2) + np.array([0.0, 1.0])
    cases.append(Case((loss, grad, w0, 1.0 / max(a, b)), {"max_steps": 300},
                      label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr exactly at the stable limit {_num(1 / max(a, b))}, "
                            "max_steps=300"))
    for factor in (1.2, 3.0):
        a, b = _rand_ab(rng)
        loss, grad = _bowl_fixtures(a, b)
        w0 = rng.normal(size=2) * 2
        lr = float(factor / max(a, b))
        cases.append(Case((loss, grad, w0, lr),
                          label=f"{_bowl(a, b)}, w0={_vec(w0)}, lr={_num(lr)} above the stable limit (diverges)"))
    cases.append(Case((Fixture("quartic_loss", {}), Fixture("quartic_grad", {}), np.array([3.0, -2.0]), 0.5),
                      label="the quartic sum(w**4), w0=(3, -2), lr=0.5 (blows up to inf within a few steps)"))
    cases.append(Case((Fixture("quartic_loss", {}), Fixture("quartic_grad", {}), np.array([0.5, -0.25]), 0.1),
                      {"tol": 1e-4}, label="the quartic sum(w**4), w0=(0.5, -0.25), lr=0.1, tol=0.0001"))
    cases.append(Case((loss4, grad4, np.array([np.nan, 1.0]), 0.1),
                      label="bowl a=1, b=4, a non-finite start w0=(nan, 1), lr=0.1"))
    A, c = random_spd(rng, 3), rng.normal(size=3)
    w0 = c + rng.normal(size=3)
    lr = float(0.8 / np.linalg.eigvalsh(A).max())
    cases.append(Case((Fixture("quadratic_loss", {"A": A, "center": c}), Fixture("quadratic_grad", {"A": A, "center": c}),
                       w0, lr), {"tol": 1e-6},
                      label=f"a quadratic in 3 dimensions, w0={_vec(w0)}, lr={_num(lr)}, tol=1e-06"))
    return cases


def judge_steps_to_converge(test, case, got, ref) -> Verdict:
    """judge_close, with None treated as an answer rather than a forgotten return."""
    if got.ok and ref.ok and got.value is None and ref.value is not None:
        return Verdict(False, f"returned None, expected {ref.value}",
                       diagnose_steps_to_converge(case, got.value, ref.value) or "")
    return judge_close(test, case, got, ref)


def diagnose_steps_to_converge(case, got, ref) -> Optional[str]:
    max_steps = case.kwargs.get("max_steps", 10_000)
    if ref is None:
        if isinstance(got, (int, np.integer)) and got == max_steps:
            return "when no iterate gets within tol, return None, not max_steps"
        return "no iterate up to max_steps is within tol here (or the run diverged): return None"
    if got is None:
        if ref == max_steps:
            return "the iterate after max_steps steps counts too: k runs over 0..max_steps"
        return None
    try:
        diff = float(got) - float(ref)
    except (TypeError, ValueError):
        return None
    if diff == 1 and ref == 0:
        return "w0 itself is within tol: check the loss before taking the first step (the answer is then 0)"
    if diff == 1 and case.note == "exact":
        return "the loss equals tol exactly at the expected step: the test is loss <= tol"
    if diff == 1:
        return "one step too many: k counts the steps taken, and path[0] = w0 is step 0"
    if diff == -1:
        return "one step too few: k counts the steps taken, and path[0] = w0 is step 0"
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


# --------------------------------------------------------------------------- learning rates

def contraction_factor_cases(rng):
    cases = [
        Case((1.0, 4.0, 0.2), label="a=1, b=4, lr=0.2 (the optimal rate)", public=True),
        Case((1.0, 4.0, 0.1), label="a=1, b=4, lr=0.1", public=True),
        Case((1.0, 4.0, 0.3), label="a=1, b=4, lr=0.3 (above the stable limit)", public=True),
        Case((2.0, 3.0, 0.0), label="a=2, b=3, lr=0"),
        Case((1, 1, 0.5), label="a=1, b=1, lr=0.5 (one step to the minimum)"),
    ]
    for frac in (0.2, 0.6, 0.9, 1.4):    # below the optimum, between it and the limit, above the limit
        a, b = _rand_ab(rng)
        lr = float(frac / max(a, b))
        cases.append(Case((a, b, lr), label=f"a={_num(a)}, b={_num(b)}, lr={_num(lr)}"))
    return cases


@mistake("the factor of a step can be negative (the iterate jumps across the minimum): take abs() of each")
def contraction_factor__forgets_abs(a, b, lr):
    return max(1 - 2 * a * lr, 1 - 2 * b * lr)


@mistake("the slower direction decides the worst case: take the max, not the min")
def contraction_factor__takes_min(a, b, lr):
    return min(abs(1 - 2 * a * lr), abs(1 - 2 * b * lr))


@mistake("the gradient of a*x**2 is 2*a*x, not a*x: redo the step factors with it")
def contraction_factor__forgets_factor_two(a, b, lr):
    return max(abs(1 - a * lr), abs(1 - b * lr))


def diagnose_single_number(case, got, ref) -> Optional[str]:
    return "return a single number" if as_array(got) is None else None


def _rate_cases(rng, public):
    cases = [Case(args, label=f"a={args[0]}, b={args[1]}", public=True) for args in public]
    cases.append(Case((3, 1), label="a=3, b=1 (ints, the steep direction along x)"))
    for _ in range(3):
        a, b = _rand_ab(rng, 0.05, 20.0)
        cases.append(Case((a, b), label=f"a={_num(a)}, b={_num(b)}"))
    return cases


def optimal_learning_rate_cases(rng):
    return _rate_cases(rng, [(1.0, 4.0), (1.0, 1.0)])


@mistake("the gradient of a*x**2 is 2*a*x, not a*x: redo the step factors with it")
def optimal_learning_rate__forgets_factor_two(a, b):
    return 2.0 / (a + b)


@mistake("that is the rate where the steep direction stops converging; the best one balances both factors")
def optimal_learning_rate__uses_stability_limit(a, b):
    return 1.0 / max(a, b)


@mistake("that rate solves the steep direction in one step but leaves the flat one slow: balance the two")
def optimal_learning_rate__solves_steep_direction(a, b):
    return 1.0 / (2 * max(a, b))


def max_stable_learning_rate_cases(rng):
    cases = _rate_cases(rng, [(1.0, 4.0), (1.0, 1.0)])
    cases.insert(2, Case((-1.0, 4.0), label="a=-1, b=4 (not a bowl)", public=True))
    for a, b in [(0.0, 2.0), (3.0, 0.0), (2.0, -0.5), (0.0, 0.0), (-1.0, -2.0)]:
        cases.append(Case((a, b), label=f"a={_num(a)}, b={_num(b)} (not a bowl)"))
    return cases


@mistake("the steep direction (the larger coefficient) is the first to overshoot and diverge: it sets the limit")
def max_stable_learning_rate__uses_min(a, b):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return 1.0 / min(a, b)


@mistake("the gradient of b*y**2 is 2*b*y, not b*y: redo the factor of y with it")
def max_stable_learning_rate__forgets_factor_two(a, b):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return 2.0 / max(a, b)


# --------------------------------------------------------------------------- plot_descent

def plot_descent_cases(rng):
    cases = [Case((AX, _bowl_path(1.0, 4.0, [2.0, 1.0], 0.2, 3)),
                  label="ax, 4 iterates of descent from (2, 1) on the default bowl a=1, b=4 with lr=0.2", public=True),
             Case((AX, _bowl_path(1.0, 4.0, [2.0, 1.0], 0.2, 10)), {"a": 1.0, "b": 4.0},
                  label="ax, 11 iterates of descent from (2, 1) on bowl a=1, b=4 with lr=0.2"),
             Case((AX, _bowl_path(1.0, 1.0, [-1.5, 1.0], 0.2, 6)), {"a": 1.0, "b": 1.0},
                  label="ax, 7 iterates of descent from (-1.5, 1) on bowl a=1, b=1 with lr=0.2")]
    for n_steps in (5, 14):
        a, b = _rand_ab(rng)
        w0 = rng.uniform(0.5, 3.0, size=2) * rng.choice([-1.0, 1.0], size=2)
        lr = float(rng.uniform(0.6, 0.95) / max(a, b))
        path = _bowl_path(a, b, w0, lr, n_steps)
        cases.append(Case((AX, path), {"a": a, "b": b},
                          label=f"ax, {n_steps + 1} iterates of descent from {_vec(w0)} on {_bowl(a, b)} "
                                f"with lr={_num(lr)}"))
    path = _bowl_path(1.0, 4.0, [-3.0, -0.5], 0.1, 8)
    cases.append(Case((AX, path.tolist()), label="ax, 9 iterates from (-3, -0.5) given as a list, default a and b"))
    return cases


def _path_and_scale(case):
    path = np.asarray(case.args[1], dtype=float)
    return path, max(float(np.max(np.abs(path))), 1e-3)


def path_drawn_with_markers(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """The path is a line with markers (or a line and a scatter of the same points)."""
    path, _ = _path_and_scale(case)
    exact = drawing.following(path)
    if not exact:
        return Verdict(False, f"no line on the Axes has the path's {len(path)} points as its data",
                       path_hint(drawing.lines, path)
                       or "plot x = path[:, 0] against y = path[:, 1], every point from path[0] on")
    if not any(ln.marker for ln in exact) and not drawing.following(path, drawing.points):
        return Verdict(False, "the path is drawn without markers",
                       "mark every iterate, e.g. ax.plot(path[:, 0], path[:, 1], 'o-')")
    if not any(ln.joined for ln in exact):
        return Verdict(False, "the path's points are not joined by a line",
                       "draw the path as a line with markers, e.g. 'o-'")
    return None


def limits_cover_path_and_minimum(drawing: Drawing, case: Case) -> Optional[Verdict]:
    path, scale = _path_and_scale(case)
    slack = 1e-9 * scale
    for lim, column in ((drawing.xlim, path[:, 0]), (drawing.ylim, path[:, 1])):
        shown = span(lim)
        if shown is None or shown[0] > min(column.min(), 0.0) + slack or shown[1] < max(column.max(), 0.0) - slack:
            return Verdict(False, f"the axes limits x {drawing.xlim}, y {drawing.ylim} cut off part of "
                                  "the path or the minimum",
                           "let the grid of the contour plot and the limits cover the whole path and (0, 0)")
    return None


def minimum_marked(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """A marker at (0, 0) other than the path's own."""
    path, scale = _path_and_scale(case)
    tol = 1e-9 * scale
    if any(np.any((np.abs(m.x) <= tol) & (np.abs(m.y) <= tol))
           for m in drawing.marks() if not m.follows(path[:, 0], path[:, 1])):
        return None
    return Verdict(False, "the minimum (0, 0) is not marked",
                   "mark it with a marker of its own, e.g. ax.plot(0, 0, '*') or ax.scatter(0, 0)")


def equal_aspect(drawing: Drawing, case: Case) -> Optional[Verdict]:
    aspect = drawing.aspect
    if aspect == "equal" or (isinstance(aspect, (int, float)) and abs(float(aspect) - 1.0) < 1e-9):
        return None
    return Verdict(False, f"the aspect is {aspect!r}, expected equal",
                   "ax.set_aspect('equal'), so that circles look round and the zig-zag is not distorted")


def labelled(drawing: Drawing, case: Case) -> Optional[Verdict]:
    missing = [what for what, text in (("x label", drawing.xlabel), ("y label", drawing.ylabel),
                                       ("title", drawing.title)) if not text.strip()]
    if missing:
        return Verdict(False, "the plot has no " + " and no ".join(missing),
                       "use ax.set_xlabel, ax.set_ylabel and ax.set_title")
    return None


#: contour lines, the path as a line with markers, limits covering both, the minimum
#: marked, equal aspect, axis labels and a title, and ``ax`` returned
judge_plot_descent = judge_drawing(
    path_drawn_with_markers,
    contours_drawn("the bowl", "evaluate the loss on a grid (np.meshgrid) that covers the path and draw "
                               "ax.contour(X, Y, Z)"),
    limits_cover_path_and_minimum, minimum_marked, equal_aspect, labelled)


# --------------------------------------------------------------------------- the spec

SPEC = AssignmentSpec(
    name=NAME,
    reference_module="solutions.ps1_gradient_ratios",
    fixture_module="depthlab.checks.fixtures_ps1_gradient_ratios",
    tests=(
        FunctionTest("bowl_loss", 2, bowl_loss_cases, judge=_with_batch_hint, diagnose=diagnose_bowl_loss,
                     mistakes=mistake.of("bowl_loss")),
        FunctionTest("bowl_grad", 2, bowl_grad_cases, judge=_with_batch_hint, diagnose=diagnose_bowl_grad,
                     mistakes=mistake.of("bowl_grad")),
        FunctionTest("gradient_descent", 3, gradient_descent_cases, diagnose=diagnose_gradient_descent,
                     mistakes=mistake.of("gradient_descent")),
        FunctionTest("steps_to_converge", 4, steps_to_converge_cases, judge=judge_steps_to_converge,
                     diagnose=diagnose_steps_to_converge),
        FunctionTest("direction_reversals", 3, direction_reversals_cases, diagnose=diagnose_direction_reversals,
                     mistakes=mistake.of("direction_reversals")),
        FunctionTest("contraction_factor", 2, contraction_factor_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("contraction_factor")),
        FunctionTest("optimal_learning_rate", 2, optimal_learning_rate_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("optimal_learning_rate")),
        FunctionTest("max_stable_learning_rate", 2, max_stable_learning_rate_cases, diagnose=diagnose_single_number,
                     mistakes=mistake.of("max_stable_learning_rate")),
        FunctionTest("plot_descent", 1, plot_descent_cases, judge=judge_plot_descent),
        *QUESTIONS,
    ),
)

"""Hidden tests of ps1_gradient_ratios, part 2: how fast descent converges
(``steps_to_converge``, ``contraction_factor``, ``optimal_learning_rate``,
``max_stable_learning_rate``).  The spec is assembled in
:mod:`depthlab.checks.ps1_gradient_ratios`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks import fixtures_ps1_gradient_ratios as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps1_gradient_ratios_descent import _bowl, _bowl_path, _num, _rand_ab, _vec
from depthlab.checks.toolkit import as_array, random_spd
from depthlab.judge.compare import judge_close
from depthlab.judge.spec import Case, Fixture, Verdict

mistake = Catalogue(fx)


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

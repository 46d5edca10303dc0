"""Hidden tests of ps4_convexity, part 3: why deep networks are not convex
(``permute_hidden``, ``multistart_descent``, ``distinct_minima``).
The spec is assembled in :mod:`depthlab.checks.ps4_convexity`.
"""
from __future__ import annotations

import numpy as np

from depthlab.checks import fixtures_ps4_convexity as fixtures
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.toolkit import as_array
from depthlab.judge.spec import Case, Fixture

mistake = Catalogue(fixtures)


def _permutation_with_cycle(rng, n):
    """A random permutation of n >= 3 items that is not its own inverse."""
    while True:
        perm = rng.permutation(n)
        if not np.array_equal(perm[perm], np.arange(n)):
            return perm


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

"""Hidden tests of ps3_cliffs_valleys, part 3: paths (``loss_along_path``, and
``plot_paths``, judged from the description of the Axes against the case's own
paths and extent).
The spec is assembled in :mod:`depthlab.checks.ps3_cliffs_valleys`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks import fixtures_ps3_cliffs_valleys as fx
from depthlab.checks.mistakes import Catalogue
from depthlab.checks.ps3_cliffs_valleys_descent import CLIFF, _quadratic, _wavy
from depthlab.checks.toolkit import Drawing, as_array, contours_drawn, judge_drawing, path_hint, random_spd, span
from depthlab.judge.compare import fmt
from depthlab.judge.spec import AX, Case, Fixture, Verdict

mistake = Catalogue(fx)


# --------------------------------------------------------------------------- loss_along_path

def loss_along_path_cases(rng):
    I2 = {"A": np.eye(2), "m": np.zeros(2)}
    small = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 2.0]])
    q3 = _quadratic(rng, 3)
    q4 = _quadratic(rng, 4)
    cliff_path = np.column_stack([np.linspace(-2.0, 3.0, 20), rng.uniform(-1.0, 1.0, size=20)])
    return [
        Case((Fixture("quadratic_loss", I2), small), label="loss(w) = |w|**2 / 2, path=[[0, 0], [1, 0], [1, 2]]",
             public=True),
        Case((Fixture("pointwise_quadratic_loss", I2), small),
             label="loss(w) = |w|**2 / 2 for one point at a time, path=[[0, 0], [1, 0], [1, 2]]", public=True),
        Case((Fixture("quadratic_loss", {**q3, "c": 1.5}), q3["m"] + rng.normal(size=(12, 3))),
             label="a random quadratic in 3 dimensions, a path of 12 points"),
        Case((Fixture("pointwise_quadratic_loss", q4), q4["m"] + rng.normal(size=(7, 4))),
             label="a random quadratic in 4 dimensions that takes one point at a time, a path of 7 points"),
        Case((Fixture("pointwise_quadratic_loss", q3), q3["m"] + rng.normal(size=(3, 3))),
             label="a random quadratic in 3 dimensions that takes one point at a time, a path of 3 points"),
        Case((Fixture("cliff_loss", dict(CLIFF)), cliff_path), label="the cliff of the notebook, a path of 20 points across it"),
        Case((Fixture("wavy_loss", _wavy(rng, 2, length=3.0)), rng.normal(size=(9, 2))),
             label="a non-quadratic loss in 2 dimensions, a path of 9 points"),
        Case((Fixture("quadratic_loss", I2), np.array([[0.3, -0.4]])), label="loss(w) = |w|**2 / 2, a path of one point"),
        Case((Fixture("pointwise_quadratic_loss", I2), [[1, 1], [2, 0], [0, -3]]),
             label="loss(w) = |w|**2 / 2 for one point at a time, path=[[1, 1], [2, 0], [0, -3]] as a nested list"),
    ]


@mistake("there is one loss per row of path, the starting point path[0] included")
def loss_along_path__skips_start(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(w) for w in path[1:]])


@mistake("there is one loss per row of path, the last point included")
def loss_along_path__drops_last(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(path[k]) for k in range(len(path) - 1)])


def diagnose_loss_along_path(case, got, expected):
    arr = as_array(got)
    if arr is not None and arr.size == 1 and np.size(expected) > 1:
        return "return the loss of every row, an array of shape (len(path),), not one number"
    return None


# --------------------------------------------------------------------------- plot_paths

def _walk(rng, start, end, n):
    """A path of ``n`` points from ``start`` towards ``end`` that zig-zags on the way."""
    t = np.linspace(0.0, 1.0, n)[:, None] ** 0.5
    wiggle = np.sin(np.arange(n) * 2.5)[:, None] * (1 - t) * rng.uniform(0.1, 0.4, size=2)
    return start + (end - start) * t + wiggle


def plot_paths_cases(rng):
    q = {"A": random_spd(rng, 2, 0.5, 3.0), "m": rng.uniform(-1.0, 1.0, size=2)}
    m = q["m"]
    far = np.array([8.0, -5.0])
    wavy = _wavy(rng, 2, length=2.0, base=0.5, shift=1.0)
    wavy_shifted = Fixture("wavy_loss", wavy)
    return [
        Case((AX, Fixture("quadratic_loss", {"A": np.eye(2), "m": np.zeros(2)}),
              {"descent": np.array([[1.5, 1.0], [0.75, 0.5], [0.375, 0.25]])}, (-2.0, 2.0, -1.5, 1.5)),
             label="loss(w) = |w|**2 / 2, one path 'descent', extent (-2, 2, -1.5, 1.5)", public=True),
        Case((AX, Fixture("quadratic_loss", q),
              {"descent": _walk(rng, m + [2.0, 1.5], m, 12), "momentum": _walk(rng, m + [-2.0, 1.0], m, 9)},
              (m[0] - 3.0, m[0] + 3.0, m[1] - 2.5, m[1] + 2.5)),
             label="a random quadratic, paths 'descent' (12 points) and 'momentum' (9 points), extent 6 by 5 around its minimum"),
        Case((AX, Fixture("cliff_loss", dict(CLIFF)),
              {"lr = 0.05": _walk(rng, np.array([-2.0, 1.0]), np.array([-1.5, 0.5]), 30),
               "lr = 0.8": _walk(rng, np.array([-2.0, 1.0]), np.array([4.0, -0.5]), 15),
               "clipped": _walk(rng, np.array([-2.0, 1.0]), np.array([1.7, 0.0]), 20)},
              (-3.0, 5.0, -2.0, 2.0)),
             label="the cliff of the notebook, three paths, extent (-3, 5, -2, 2)"),
        Case((AX, Fixture("pointwise_quadratic_loss", q), {"descent": _walk(rng, m + [1.0, -1.5], m, 8)},
              (m[0] - 2.0, m[0] + 2.0, m[1] - 2.0, m[1] + 2.0)),
             label="a random quadratic that takes one point at a time, one path, extent 4 by 4 around its minimum"),
        Case((AX, wavy_shifted, {"start only": np.array([[8.5, -4.5]]), "walk": _walk(rng, far + [1.5, 1.0], far, 15)},
              (far[0] - 2.0, far[0] + 3.0, far[1] - 1.5, far[1] + 2.5)),
             label="a non-quadratic loss, a path of one point and a path of 15 points, extent (6, 11, -6.5, -2.5)"),
    ]


def every_path_labelled(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """One line per key of ``paths``, labelled with the key, whose data is the path."""
    for key, path in case.args[2].items():
        path = np.asarray(path, dtype=float)
        labelled = tuple(ln for ln in drawing.lines if ln.label == key)
        if not labelled:
            found = sorted({ln.label for ln in drawing.lines if not ln.label.startswith("_")})
            where = f"labels found: {', '.join(repr(f) for f in found)}" if found else "no line has a label"
            return Verdict(False, f"no line is labelled {key!r} ({where})",
                           "pass the dict's key as the label: ax.plot(..., label=key)")
        if not drawing.following(path, labelled):
            return Verdict(False, f"the line labelled {key!r} does not follow its path of {len(path)} points",
                           path_hint(labelled, path) or "plot path[:, 0] against path[:, 1], every row of the path")
    return None


def legend_names_every_path(drawing: Drawing, case: Case) -> Optional[Verdict]:
    if drawing.legend is None:
        return Verdict(False, "there is no legend", "call ax.legend() after drawing the labelled lines")
    missing = [k for k in case.args[2] if k not in drawing.legend]
    if missing:
        return Verdict(False, f"the legend does not name {', '.join(repr(k) for k in missing)}",
                       "draw every path with its key as label before calling ax.legend()")
    return None


def limits_show_extent(drawing: Drawing, case: Case) -> Optional[Verdict]:
    """The axes cover the extent (up to 2% of its width) and stay within 50% of its width beyond it."""
    xmin, xmax, ymin, ymax = (float(v) for v in case.args[3])
    for lim, low, high in ((drawing.xlim, xmin, xmax), (drawing.ylim, ymin, ymax)):
        shown, width = span(lim), high - low
        if shown is None or not (low - 0.5 * width <= shown[0] <= low + 0.02 * width
                                 and high - 0.02 * width <= shown[1] <= high + 0.5 * width):
            xlim, ylim = drawing.xlim or [None, None], drawing.ylim or [None, None]
            return Verdict(False, f"the axes show x from {fmt(xlim[0])} to {fmt(xlim[1])}, y from {fmt(ylim[0])} "
                                  f"to {fmt(ylim[1])}, but the contour plot should cover the extent "
                                  f"({fmt(xmin)}, {fmt(xmax)}, {fmt(ymin)}, {fmt(ymax)})",
                           "make the grid from extent: np.linspace(xmin, xmax, n) and np.linspace(ymin, ymax, n)")
    return None


#: contour lines of loss_fn, one labelled line per path following it, a legend naming
#: every key, axes showing the extent, and ``ax`` returned
judge_plot_paths = judge_drawing(
    contours_drawn("loss_fn", "evaluate loss_fn on a grid over extent (np.linspace, np.meshgrid) and draw ax.contour"),
    every_path_labelled, legend_names_every_path, limits_show_extent)

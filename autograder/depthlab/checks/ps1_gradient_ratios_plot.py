"""Hidden tests of ps1_gradient_ratios, part 3: ``plot_descent``, judged from the
description of the Axes it drew on, against the path the case itself passed in.
The spec is assembled in :mod:`depthlab.checks.ps1_gradient_ratios`.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from depthlab.checks.ps1_gradient_ratios_descent import _bowl, _bowl_path, _num, _rand_ab, _vec
from depthlab.checks.toolkit import Drawing, contours_drawn, judge_drawing, path_hint, span
from depthlab.judge.spec import AX, Case, Verdict


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

"""The chapter's missing figures, drawn by the reference solutions.

The chapter draft marks six places **INSERT FIGURE** / **FIND A FIGURE** (and
cites a "Figure 4.7 (a)/(b)" it does not have). :func:`write_figures` draws one
figure for each, with the functions of ``solutions/`` (the same ones the
students write), and writes PNG and SVG files plus an ``index.md`` saying
which section each belongs to. ``depthlab figures`` writes them into
``solutions/figures/``.

The output is deterministic: fixed seeds, matplotlib's default style, a fixed
``svg.hashsalt`` and no dates in the files, so a second run with the same
matplotlib writes byte-identical files (a test compares the committed SVGs
with fresh ones).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib
import matplotlib.patches
import matplotlib.style
import numpy as np
from matplotlib.figure import Figure

#: matplotlib settings every figure is drawn with (on top of the default style).
RC = {
    "svg.hashsalt": "depthlab",
    "svg.fonttype": "path",
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
}
SVG_METADATA = {"Date": None, "Creator": None}
PNG_METADATA = {"Software": None}


@dataclass(frozen=True)
class ChapterFigure:
    """One figure of the chapter.

    name: file stem (``<name>.png`` and ``<name>.svg``).
    section: the chapter section it belongs to.
    marker: where the draft asks for it.
    caption: what it shows (used in ``index.md``).
    draw: fills a fresh ``Figure``; returns nothing.
    size: figure size in inches.
    """

    name: str
    section: str
    marker: str
    caption: str
    draw: Callable[[Figure], None]
    size: tuple[float, float]


# --------------------------------------------------------------------------
# The losses the figures use (the assignments' notebooks define their own).


#: The cliff: height, steepness, curvature of the bowl below it, and across.
CLIFF_H, CLIFF_K, CLIFF_C, CLIFF_Y = 3.0, 5.0, 0.05, 0.1


def cliff_loss(w):
    """A plateau that falls by ``CLIFF_H`` over a short stretch around
    ``x = 0`` (the cliff) into a shallow bowl with its minimum near
    ``(1, 0)``; on the plateau the slope towards the cliff is gentle.
    Works on ``(..., 2)`` arrays."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return CLIFF_H / 2 * (1.0 - np.tanh(CLIFF_K * x)) + CLIFF_C * (x - 1.0) ** 2 + CLIFF_Y * y**2


def cliff_grad(w):
    """The gradient of :func:`cliff_loss`, same shape as ``w``."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    gx = -CLIFF_H * CLIFF_K / 2 / np.cosh(CLIFF_K * x) ** 2 + 2 * CLIFF_C * (x - 1.0)
    return np.stack([gx, 2 * CLIFF_Y * y], axis=-1)


def valley_loss(w):
    """``5 (y - 0.4 x)**2 + 0.1 (x - 4)**2``: a narrow valley along the line
    ``y = 0.4 x``, steep across it (curvature 11.6), its floor sloping gently
    (curvature 0.17) down to the minimum at (4, 1.6). Works on ``(..., 2)``
    arrays."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return 5.0 * (y - 0.4 * x) ** 2 + 0.1 * (x - 4.0) ** 2


def valley_grad(w):
    """The gradient of :func:`valley_loss`, same shape as ``w``."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    r = y - 0.4 * x
    return np.stack([-4.0 * r + 0.2 * (x - 4.0), 10.0 * r], axis=-1)


def valley_hess(w):
    """The (constant) Hessian of :func:`valley_loss`."""
    return np.array([[1.8, -4.0], [-4.0, 10.0]])


VALLEY_MINIMUM = np.array([4.0, 1.6])


def convex_g(w):
    """The chapter's convex example ``x**2 + y**2 - 2x - 2y + 6``."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return x**2 + y**2 - 2 * x - 2 * y + 6


def bumpy_G(w):
    """A non-convex loss with several dips: a wide bowl with a ripple."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    return 0.12 * (x**2 + y**2) - np.cos(1.6 * x) * np.cos(1.6 * y) + 2.0


def bumpy_G_grad(w):
    """The gradient of :func:`bumpy_G`, same shape as ``w``."""
    w = np.asarray(w, dtype=float)
    x, y = w[..., 0], w[..., 1]
    gx = 0.24 * x + 1.6 * np.sin(1.6 * x) * np.cos(1.6 * y)
    gy = 0.24 * y + 1.6 * np.cos(1.6 * x) * np.sin(1.6 * y)
    return np.stack([gx, gy], axis=-1)


# --------------------------------------------------------------------------
# The figures


def draw_bowls(fig: Figure) -> None:
    from solutions.ps1_gradient_ratios import (
        bowl_grad,
        bowl_loss,
        gradient_descent,
        plot_descent,
        steps_to_converge,
    )

    w0, lr, n_steps = np.array([-2.0, 1.0]), 0.22, 14
    axes = fig.subplots(1, 2, gridspec_kw=dict(left=0.06, right=0.98, bottom=0.1, top=0.84, wspace=0.15))
    limits = []
    for ax, (a, b, name) in zip(axes, [(1.0, 1.0, "circular"), (1.0, 4.0, "elliptical")]):
        grad = lambda w, a=a, b=b: bowl_grad(w, a, b)  # noqa: E731
        path = gradient_descent(grad, w0, lr, n_steps)
        plot_descent(ax, path, a, b)
        limits.append((ax.get_xlim(), ax.get_ylim()))
        steps = steps_to_converge(lambda w, a=a, b=b: bowl_loss(w, a, b), grad, w0, lr, tol=1e-8)
        formula = "x^2 + y^2" if b == a else f"x^2 + {b:g}y^2"
        ax.set_title(f"{name} bowl $L = {formula}$\n{n_steps} steps shown; $L \\leq 10^{{-8}}$ after {steps}")
        # steepest descent is perpendicular to the contour line through each point
        first = path[:3]
        reach = 1.15 * np.max(np.abs(path))
        X, Y = np.meshgrid(np.linspace(-reach, reach, 201), np.linspace(-reach, reach, 201))
        ax.contour(X, Y, bowl_loss(np.stack([X, Y], axis=-1), a, b), levels=np.unique(bowl_loss(first, a, b)),
                   colors="0.55", linewidths=0.8, linestyles="dashed")
        g = -grad(first)
        ax.quiver(first[:, 0], first[:, 1], g[:, 0], g[:, 1], angles="xy", scale_units="xy",
                  scale=6.0, color="0.3", width=0.006, zorder=3)
    # the same window on both bowls (the extra lines above must not widen it)
    xs = [v for (xl, _) in limits for v in xl]
    ys = [v for (_, yl) in limits for v in yl]
    for ax in axes:
        ax.set_xlim(min(xs), max(xs))
        ax.set_ylim(min(ys), max(ys))
    fig.suptitle(f"Steepest descent from $(-2, 1)$ with learning rate {lr:g}. Arrows: $-\\nabla L$, "
                 "perpendicular to the dashed contour line through its point", fontsize=10.5)


def draw_chain(fig: Figure) -> None:
    from solutions.ps2_vanishing_gradients import backprop_chain, forward_chain

    m, x = 5, 0.5
    w = np.random.default_rng(4).standard_normal(m)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do=1.0)

    ax = fig.add_axes((0.01, 0.01, 0.98, 0.86))
    ax.set_xlim(-0.75, m + 0.75)
    ax.set_ylim(-1.1, 0.62)
    ax.set_aspect("equal")
    ax.axis("off")
    names = ["x"] + [f"h_{t}" for t in range(1, m)] + ["o"]
    for t in range(m + 1):
        kind = "input" if t == 0 else ("output" if t == m else "hidden")
        face = {"input": "#dde8f5", "hidden": "#fdf1d6", "output": "#e3f1df"}[kind]
        ax.add_patch(matplotlib.patches.Circle((t, 0), 0.3, facecolor=face, edgecolor="k", linewidth=1.2))
        ax.text(t, 0, f"${names[t]}$", ha="center", va="center", fontsize=13)
        above = "input, no computation" if t == 0 else r"$\Phi$"
        ax.text(t, 0.36, above, ha="center", va="bottom", fontsize=9 if t == 0 else 11, color="0.3")
        ax.text(t, -0.42, f"$h_{{{t}}}$ = {h[t]:.3f}", ha="center", va="top", fontsize=8.5)
        ax.text(t, -0.62, f"$\\partial L/\\partial h_{{{t}}}$ = {g[t]:.1e}", ha="center", va="top", fontsize=8.5,
                color="#a33")
    for t in range(m):
        ax.annotate("", xy=(t + 0.68, 0), xytext=(t + 0.32, 0),
                    arrowprops=dict(arrowstyle="-|>", color="k", linewidth=1.2, mutation_scale=12))
        ax.text(t + 0.5, 0.12, f"$w_{{{t + 1}}}$", ha="center", va="bottom", fontsize=11)
        ax.text(t + 0.5, -0.13, f"{w[t]:+.2f}", ha="center", va="top", fontsize=7.5, color="0.35")
    ax.text(m / 2, -1.0, r"$h_{t+1} = \Phi(w_{t+1} h_t)$,   "
            r"$\partial L/\partial h_t = \Phi'(w_{t+1} h_t)\, w_{t+1}\, \partial L/\partial h_{t+1}$   (4.1)",
            fontsize=9, ha="center")
    ax.set_title(f"One node per layer, m = {m} weights drawn from N(0, 1), x = {x:g}, sigmoid $\\Phi$; "
                 r"$\partial L/\partial o = 1$", fontsize=10)


def _surface(ax, loss, X, Y, cmap="viridis"):
    """``loss`` over the grid ``(X, Y)`` as a shaded surface on the 3-D ``ax``."""
    Z = loss(np.stack([X, Y], axis=-1))
    ax.plot_surface(X, Y, Z, cmap=cmap, rstride=1, cstride=1, linewidth=0.15, edgecolor="0.4",
                    antialiased=True, alpha=0.95)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("loss", labelpad=6)
    return Z


def _grid(extent, n):
    """A square ``n`` by ``n`` mesh over ``extent = (xmin, xmax, ymin, ymax)``."""
    return np.meshgrid(np.linspace(extent[0], extent[1], n), np.linspace(extent[2], extent[3], n))


def draw_cliff(fig: Figure) -> None:
    from solutions.ps1_gradient_ratios import gradient_descent
    from solutions.ps3_cliffs_valleys import gd_clipped, loss_along_path, plot_paths

    ax3 = fig.add_axes((0.0, 0.02, 0.32, 0.92), projection="3d")
    _surface(ax3, cliff_loss, *_grid((-3.0, 4.0, -2.0, 2.0), 45))
    ax3.view_init(elev=24, azim=-70)
    ax3.set_title("a cliff: a gentle slope, then a sharp drop")

    w0, n_steps = np.array([-2.5, 1.5]), 15
    paths = {
        "rate 0.2: crawls": gradient_descent(cliff_grad, w0, 0.2, n_steps),
        "rate 1.5: thrown off the cliff": gradient_descent(cliff_grad, w0, 1.5, n_steps),
        "rate 1.5, gradient clipped to norm 0.5": gd_clipped(cliff_grad, w0, 1.5, n_steps, 0.5),
    }
    ax = fig.add_axes((0.37, 0.12, 0.285, 0.78))
    plot_paths(ax, cliff_loss, paths, (-3.0, 10.0, -2.0, 2.0))
    ax.plot(1.0, 0.0, marker="*", color="k", markersize=11, linestyle="none")
    ax.set_title(f"{n_steps} steps from $(-2.5, 1.5)$; star: the minimum\n"
                 "the two runs at rate 1.5 coincide until the cliff", fontsize=9.5)
    ax.legend(fontsize=7.5, loc="lower right")

    ax = fig.add_axes((0.71, 0.12, 0.27, 0.78))
    for label, path in paths.items():
        ax.plot(loss_along_path(cliff_loss, path), marker="o", markersize=3, linewidth=1.2, label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("loss along each path (colours as in the middle)", fontsize=9.5)


def draw_valley(fig: Figure) -> None:
    from solutions.ps1_gradient_ratios import gradient_descent
    from solutions.ps3_cliffs_valleys import momentum_descent, newton_step, plot_paths

    extent = (-6.0, 6.0, -3.0, 3.5)
    ax3 = fig.add_axes((0.0, 0.07, 0.46, 0.88), projection="3d")
    # a mesh that follows the valley: along its floor u, across it v
    U, V = np.meshgrid(np.linspace(-6.0, 6.0, 49), np.linspace(-1.5, 1.5, 25))
    _surface(ax3, valley_loss, U, 0.4 * U + V, cmap="cividis")
    u = np.linspace(-6.0, 6.0, 49)
    floor = np.stack([u, 0.4 * u], axis=-1)
    ax3.computed_zorder = False  # draw the floor line over the surface
    ax3.plot(u, 0.4 * u, valley_loss(floor) + 0.2, color="C3", linewidth=2, label="valley floor", zorder=5)
    ax3.legend(loc="upper right", fontsize=8)
    ax3.view_init(elev=40, azim=-30)
    ax3.set_title("a sloping valley: steep walls, a gently sloping floor")

    w0, n_steps = np.array([-5.0, -1.0]), 40
    paths = {
        "steepest descent, rate 0.16": gradient_descent(valley_grad, w0, 0.16, n_steps),
        "momentum, rate 0.1, beta 0.8": momentum_descent(valley_grad, w0, 0.1, 0.8, n_steps),
        "one Newton step": np.array([w0, newton_step(valley_grad, valley_hess, w0)]),
    }
    ax = fig.add_axes((0.54, 0.1, 0.44, 0.8))
    plot_paths(ax, valley_loss, paths, extent)
    ax.plot(*VALLEY_MINIMUM, marker="*", color="k", markersize=11, linestyle="none")
    ax.set_title(f"{n_steps} steps from $(-5, -1)$; star: the minimum", fontsize=9.5)
    ax.legend(fontsize=8, loc="lower right")


def draw_convexity(fig: Figure) -> None:
    from solutions.ps4_convexity import check_convexity, distinct_minima, multistart_descent, quadratic_minimizer

    # (a) the chapter's convex g = w @ I @ w + (-2, -2) @ w + 6; its minimum from quadratic_minimizer
    w_star = quadratic_minimizer(np.eye(2), np.array([-2.0, -2.0]))
    convex, _ = check_convexity(convex_g, 2, n_trials=500)
    ax = fig.add_axes((0.0, 0.05, 0.5, 0.85), projection="3d")
    ax.computed_zorder = False  # markers over the surface
    _surface(ax, convex_g, *_grid((-2.0, 4.0, -2.0, 4.0), 31), cmap="viridis")
    ax.scatter([w_star[0]], [w_star[1]], [convex_g(w_star)], color="red", edgecolor="k", s=45,
               depthshade=False, zorder=5)
    ax.view_init(elev=30, azim=-60)
    jensen = "no violation of Jensen's inequality found" if convex else "Jensen's inequality violated"
    ax.set_title(f"(a) convex: $g = x^2 + y^2 - 2x - 2y + 6$\none minimum, at ({w_star[0]:g}, {w_star[1]:g}); "
                 f"{jensen}", fontsize=9.5)

    # (b) a non-convex G: descent from a grid of starts stops in different dips
    grid = np.linspace(-3.5, 3.5, 8)
    starts = np.array([[x, y] for x in grid for y in grid])
    minima = distinct_minima(multistart_descent(bumpy_G_grad, starts, 0.1, 300), tol=1e-2)
    nonconvex, _ = check_convexity(bumpy_G, 2, n_trials=500)
    values = bumpy_G(minima)
    ax = fig.add_axes((0.5, 0.05, 0.5, 0.85), projection="3d")
    ax.computed_zorder = False
    _surface(ax, bumpy_G, *_grid((-4.0, 4.0, -4.0, 4.0), 41), cmap="plasma")
    ax.scatter(minima[:, 0], minima[:, 1], values, color="cyan", edgecolor="k", s=30, depthshade=False, zorder=5)
    ax.view_init(elev=48, azim=-60)
    jensen = "Jensen's inequality violated" if not nonconvex else "no violation found"
    ax.set_title(f"(b) non-convex ({jensen}): descent from {len(starts)} starts\nstops in {len(minima)} "
                 f"different minima, loss {values.min():.2f} to {values.max():.2f}", fontsize=9.5)


FIGURES: tuple[ChapterFigure, ...] = (
    ChapterFigure(
        "bowls_descent",
        "The Impact of Gradient Ratios / Visualizing the Gradient Descent Behavior",
        "INSERT FIGURE (contour plots of the two bowls) and FIND A FIGURE (the zig-zag path)",
        "Contour lines of $x^2 + y^2$ and $x^2 + 4y^2$ with fixed-step steepest descent from the same "
        "start: straight to the minimum on the circular bowl, zig-zagging across the elliptical one. "
        "The arrows show that $-\\nabla L$ is perpendicular to the contour line through each point.",
        draw_bowls,
        (10.0, 4.8),
    ),
    ChapterFigure(
        "chain_one_node_per_layer",
        "Understanding the Vanishing and Exploding Gradient Problem",
        "INSERT FIGURE (the network with one node per layer)",
        "The chain $x \\to h_1 \\to \\dots \\to o$ with weights $w_1, \\dots, w_m$ and sigmoid $\\Phi$, "
        "annotated with the activations and the gradients $\\partial L/\\partial h_t$ of equation (4.1) for "
        "N(0, 1) weights: the gradient shrinks on its way back to the input.",
        draw_chain,
        (10.0, 3.2),
    ),
    ChapterFigure(
        "cliff",
        "Difficulties of Neural Networks: Cliffs and Valleys",
        "INSERT FIGURE (a loss surface with a cliff)",
        "A gentle slope that drops sharply: a small rate crawls, a large rate is thrown far past the "
        "minimum by the steep gradient at the cliff, and clipping the gradient's norm tames the large rate.",
        draw_cliff,
        (15.0, 4.8),
    ),
    ChapterFigure(
        "sloping_valley",
        "Difficulties of Neural Networks: Cliffs and Valleys",
        "INSERT FIGURE (a sloping valley), cited twice",
        "A narrow valley whose floor slopes gently to the minimum: in 40 steps steepest descent bounces "
        "between the walls and gets only part of the way along the floor; momentum, which keeps its "
        "speed along the low-curvature direction, reaches the minimum; one Newton step, which uses the "
        "curvature, lands on it.",
        draw_valley,
        (12.0, 5.0),
    ),
    ChapterFigure(
        "convex_nonconvex",
        "Convexity (Figure 4.7 (a) and (b) of the draft)",
        "Figure 4.7 (a) and (b), cited but missing",
        "(a) The convex $g(x, y) = x^2 + y^2 - 2x - 2y + 6$ with its single minimum at (1, 1); "
        "(b) the non-convex $G(x, y) = 0.12 (x^2 + y^2) - \\cos 1.6x \\cos 1.6y + 2$, whose dips trap "
        "gradient descent: started from a grid of points it stops in several different local minima, "
        "of different heights.",
        draw_convexity,
        (12.0, 5.4),
    ),
)


def render(figure: ChapterFigure) -> Figure:
    """Draw one chapter figure into a new (pyplot-free) ``Figure``."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        fig = Figure(figsize=figure.size)  # each draw function places its own axes
        figure.draw(fig)
    return fig


def save(fig: Figure, out_dir: Path, name: str) -> list[Path]:
    """``<name>.png`` and ``<name>.svg`` in ``out_dir``, with no dates or
    version stamps in them."""
    with matplotlib.style.context("default"), matplotlib.rc_context(RC):
        png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
        fig.savefig(png, format="png", metadata=PNG_METADATA)
        fig.savefig(svg, format="svg", metadata=SVG_METADATA)
    return [png, svg]


def index_text(figures=FIGURES) -> str:
    lines = [
        "# The chapter's figures (generated)",
        "",
        "Written by `depthlab figures` (`autograder/depthlab/figures.py`), drawn with the reference",
        "solutions in `solutions/`. Do not edit: change the code and run `depthlab figures` again.",
        "",
    ]
    for f in figures:
        lines += [
            f"## {f.name}",
            "",
            f"- Section: {f.section}",
            f"- Draft marker: {f.marker}",
            f"- Files: [{f.name}.png]({f.name}.png), [{f.name}.svg]({f.name}.svg)",
            "",
            f.caption,
            "",
        ]
    return "\n".join(lines)


def write_figures(out_dir: str | os.PathLike, *, only: list[str] | None = None) -> list[Path]:
    """Draw every chapter figure (or those named in ``only``) as PNG and SVG
    into ``out_dir`` (created if needed), write ``index.md``, and return the
    paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [f for f in FIGURES if only is None or f.name in only]
    unknown = set(only or ()) - {f.name for f in FIGURES}
    if unknown:
        raise ValueError(f"no figure named {', '.join(sorted(unknown))}; known: {', '.join(f.name for f in FIGURES)}")
    written = []
    for figure in chosen:
        written += save(render(figure), out, figure.name)
    index = out / "index.md"
    index.write_text(index_text())
    written.append(index)
    return written

"""The figures of ps3 and ps4: the cliff, the sloping valley, convex and non-convex surfaces.

Every loss, start and rate comes from the assignment's notebook (:func:`.notebook.state`),
so the chapter's figure and the student's own plot show the same experiment.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .notebook import state

PS3, PS4 = "ps3_cliffs_valleys", "ps4_convexity"
PS4_LAST = "given-multistart"   # the last ps4 cell a figure reads: one run of the notebook serves them all


def _surface(ax, Z, X, Y, cmap="viridis", alpha=0.95):
    """``Z`` over the grid ``(X, Y)`` as a shaded surface on the 3-D ``ax``."""
    ax.plot_surface(X, Y, Z, cmap=cmap, rstride=1, cstride=1, linewidth=0.15, edgecolor="0.4",
                    antialiased=True, alpha=alpha)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("loss", labelpad=6)
    return Z


def _on_grid(loss, X, Y):
    return loss(np.stack([X, Y], axis=-1))


def _grid(extent, n):
    """A square ``n`` by ``n`` mesh over ``extent = (xmin, xmax, ymin, ymax)``."""
    return np.meshgrid(np.linspace(extent[0], extent[1], n), np.linspace(extent[2], extent[3], n))


def landing(path) -> tuple[int, np.ndarray]:
    """Where a catapulted run lands: the step after its longest one, and the point."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    k = int(np.argmax(steps)) + 1
    return k, path[k]


def draw_cliff(fig: Figure) -> None:
    """ps3's cliff experiment (cells ``given-cliff`` and ``given-cliff-figure``)."""
    nb = state(PS3, "given-cliff-figure", upto="given-valley-figure")
    cliff_loss, runs, colors = nb["cliff_loss"], nb["cliff_runs"], nb["colors"]
    start, loss_along_path = nb["cliff_start"], nb["loss_along_path"]
    plot_paths = state(PS3, "given-valley-figure")["plot_paths"]   # the notebook defines it after the cliff
    extent = (-3.0, 9.5, -2.5, 2.5)
    thrown = max(runs, key=lambda name: np.max(np.linalg.norm(np.diff(runs[name], axis=0), axis=1)))
    k, land = landing(runs[thrown])

    ax3 = fig.add_axes((0.0, 0.02, 0.34, 0.92), projection="3d", computed_zorder=False)
    X, Y = np.meshgrid(np.linspace(extent[0], extent[1], 64), np.linspace(extent[2], extent[3], 26))
    _surface(ax3, _on_grid(cliff_loss, X, Y), X, Y, alpha=0.6)
    for order, (name, path) in enumerate(runs.items()):
        ax3.plot(path[:, 0], path[:, 1], loss_along_path(cliff_loss, path), "o-", ms=2, lw=1.2,
                 color=colors[name], zorder=10 - order)
    ax3.scatter([land[0]], [land[1]], [cliff_loss(land)], marker="*", s=160, color="gold", edgecolor="k",
                depthshade=False, zorder=20)
    ax3.text(land[0], land[1], cliff_loss(land) + 1.5, f"{thrown} lands\nhere (step {k})", fontsize=8, zorder=21)
    ax3.view_init(elev=30, azim=-60)
    ax3.set_title("the cliff, and where the large rate lands", fontsize=10)

    ax = fig.add_axes((0.39, 0.12, 0.3, 0.78))
    plot_paths(ax, cliff_loss, runs, extent)
    for line in ax.get_lines():   # the notebook's colours, whatever plot_paths picked
        if line.get_label() in colors:
            line.set_color(colors[line.get_label()])
    ax.plot(*land, marker="*", color="gold", markeredgecolor="k", markersize=13, linestyle="none",
            label=f"landing after the jump (step {k})")
    ax.set_title(f"{len(runs[thrown]) - 1} steps from ({start[0]:g}, {start[1]:g})", fontsize=9.5)
    ax.legend(fontsize=7.5, loc="upper right")

    ax = fig.add_axes((0.75, 0.12, 0.24, 0.78))
    for name, path in runs.items():
        ax.plot(loss_along_path(cliff_loss, path), "o-", ms=2.5, lw=1.2, color=colors[name], label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("loss along each path", fontsize=9.5)
    ax.legend(fontsize=7.5)


def draw_valley(fig: Figure) -> None:
    """ps3's sloping valley (cells ``given-valley`` and ``given-valley-figure``)."""
    nb = state(PS3, "given-valley-figure")
    valley_loss, runs, plot_paths = nb["valley_loss"], nb["valley_runs"], nb["plot_paths"]
    minimum, floor, across = nb["VALLEY_MIN"], nb["FLOOR"], nb["ACROSS"]

    ax3 = fig.add_axes((0.0, 0.07, 0.44, 0.88), projection="3d")
    # a mesh that follows the valley: along its floor u, across it v
    U, V = np.meshgrid(np.linspace(-4.5, 2.0, 53), np.linspace(-0.8, 0.8, 25))
    X, Y = (minimum[i] + U * floor[i] + V * across[i] for i in range(2))
    _surface(ax3, _on_grid(valley_loss, X, Y), X, Y, cmap="cividis")
    u = np.linspace(-4.5, 2.0, 53)
    line = minimum + u[:, None] * floor
    ax3.computed_zorder = False  # draw the floor line over the surface
    ax3.plot(line[:, 0], line[:, 1], valley_loss(line) + 0.05, color="C3", linewidth=2, label="valley floor",
             zorder=5)
    ax3.legend(loc="upper right", fontsize=8)
    ax3.view_init(elev=40, azim=-60)
    ax3.set_title("a sloping valley: steep walls, a gently sloping floor", fontsize=10)

    ax = fig.add_axes((0.52, 0.1, 0.46, 0.8))
    plot_paths(ax, valley_loss, runs, (-3.5, 2.0, -1.6, 1.2))
    ax.plot(*minimum, marker="*", color="k", markersize=11, linestyle="none")
    ax.set_aspect("equal")
    ax.set_title("the notebook's runs; star: the minimum", fontsize=9.5)
    ax.legend(fontsize=8, loc="lower right")


def _central_gradient(loss, h=1e-5):
    """The gradient of a loss of ``(..., 2)`` points by central differences."""
    def grad(w):
        w = np.asarray(w, dtype=float)
        out = np.empty_like(w)
        for i in range(w.shape[-1]):
            e = np.zeros(w.shape[-1])
            e[i] = h
            out[..., i] = (loss(w + e) - loss(w - e)) / (2 * h)
        return out
    return grad


def draw_convexity(fig: Figure) -> None:
    """ps4's two surfaces (cell ``given-surfaces``): the chapter's convex g and the dips."""
    nb = state(PS4, "given-surfaces", upto=PS4_LAST)
    A, b, c, w_star = nb["A_bowl"], nb["b_bowl"], nb["c_bowl"], nb["w_star"]
    dips, check_convexity = nb["dips"], nb["check_convexity"]
    later = state(PS4, PS4_LAST)   # the notebook defines multi-start descent after the surfaces
    multistart_descent, distinct_minima = later["multistart_descent"], later["distinct_minima"]
    convex_g = lambda w: np.einsum("...i,ij,...j->...", w, A, w) + w @ b + c  # noqa: E731
    dips_w = lambda w: dips(np.asarray(w)[..., 0], np.asarray(w)[..., 1])  # noqa: E731

    convex, _ = check_convexity(convex_g, 2)
    ax = fig.add_axes((0.0, 0.05, 0.5, 0.85), projection="3d")
    ax.computed_zorder = False  # markers over the surface
    X, Y = _grid((-2.0, 4.0, -2.0, 4.0), 31)
    _surface(ax, _on_grid(convex_g, X, Y), X, Y)
    ax.scatter([w_star[0]], [w_star[1]], [convex_g(w_star)], color="red", edgecolor="k", s=45,
               depthshade=False, zorder=5)
    ax.view_init(elev=30, azim=-60)
    jensen = "no violation of Jensen's inequality found" if convex else "Jensen's inequality violated"
    ax.set_title(f"(a) convex: $g = x^2 + y^2 - 2x - 2y + 6$\none minimum, at ({w_star[0]:g}, {w_star[1]:g}); "
                 f"{jensen}", fontsize=9.5)

    grid = np.linspace(-3.0, 3.0, 8)
    starts = np.array([[x, y] for x in grid for y in grid])
    minima = distinct_minima(multistart_descent(_central_gradient(dips_w), starts, 0.1, 300), tol=1e-2)
    nonconvex, _ = check_convexity(dips_w, 2)
    values = dips_w(minima)
    ax = fig.add_axes((0.5, 0.05, 0.5, 0.85), projection="3d")
    ax.computed_zorder = False
    X, Y = _grid((-3.0, 3.0, -3.0, 3.0), 41)
    _surface(ax, dips(X, Y), X, Y, cmap="plasma")
    ax.scatter(minima[:, 0], minima[:, 1], values, color="cyan", edgecolor="k", s=30, depthshade=False, zorder=5)
    ax.view_init(elev=35, azim=-125)
    jensen = "Jensen's inequality violated" if not nonconvex else "no violation found"
    ax.set_title(f"(b) not convex ({jensen}): descent from {len(starts)} starts\nstops in {len(minima)} "
                 f"different minima, loss {values.min():.2f} to {values.max():.2f}", fontsize=9.5)


def draw_convex_surfaces(fig: Figure) -> None:
    """ps4's compositions (cell ``given-compositions``): (x1 - x2)^2 is convex, x1^2 - x2^2 is not,
    though both are built from the same two pieces."""
    nb = state(PS4, "given-compositions", upto=PS4_LAST)
    comps, check_convexity = nb["compositions"], nb["check_convexity"]
    pick = lambda prefix: next(f for name, (f, _) in comps.items() if name.startswith(prefix))  # noqa: E731
    panels = [("(x1 - x2)^2", "(a) $(x_1 - x_2)^2$ = square(difference(w))"),
              ("x1^2 - x2^2", "(b) $x_1^2 - x_2^2$ = difference(square(w))")]
    X, Y = _grid((-2.0, 2.0, -2.0, 2.0), 41)
    for i, (prefix, title) in enumerate(panels):
        f = pick(prefix)
        Z = np.vectorize(lambda x, y: f(np.array([x, y])))(X, Y)
        convex, witness = check_convexity(f, 2)
        ax = fig.add_axes((0.5 * i, 0.03, 0.5, 0.85), projection="3d")
        ax.computed_zorder = False
        _surface(ax, Z, X, Y, cmap="viridis" if i == 0 else "coolwarm", alpha=0.8)
        if i == 0:   # a whole line of minima: convex, yet not strictly
            t = np.linspace(-2.0, 2.0, 41)
            ax.plot(t, t, np.zeros_like(t), color="red", lw=2, zorder=5)
            verdict = (("convex" if convex else "NOT convex") + " by check_convexity; "
                       "flat along $x_1 = x_2$ (red): a line of minima")
        else:        # a chord below the surface: from (0, -1.5) to (0, 1.5)
            ends = np.array([[0.0, -1.5], [0.0, 1.5]])
            ax.plot(ends[:, 0], ends[:, 1], [f(e) for e in ends], color="k", lw=2, zorder=5)
            t = np.linspace(-1.5, 1.5, 31)
            ax.plot(np.zeros_like(t), t, [f(np.array([0.0, s])) for s in t], color="red", lw=2, zorder=6)
            verdict = ("a saddle: the chord (black) lies below the surface (red); check_convexity: "
                       + ("no violation found" if convex else "NOT convex"))
        ax.view_init(elev=28, azim=-55)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_title(f"{title}\n{verdict}", fontsize=9)

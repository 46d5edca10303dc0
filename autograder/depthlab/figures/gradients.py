"""The figures of ps1 and ps2: descent on the two bowls, the one-node chain, repeated Jacobians."""
from __future__ import annotations

import matplotlib.patches
import numpy as np
from matplotlib.figure import Figure

from .notebook import state


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


def draw_jacobian_growth(fig: Figure) -> None:
    """ps2's repeated-Jacobian experiment (cell ``given-fig-spectral``: its matrices and powers):
    the norm of J^k against k beside rho(J)^k, and ||J^k||^(1/k) settling on rho(J)."""
    nb = state("ps2_vanishing_gradients", "given-fig-spectral")
    matrices, n_powers = nb["matrices"], nb["n_powers"]
    spectral_radius, jacobian_power_norms = nb["spectral_radius"], nb["jacobian_power_norms"]
    k = np.arange(1, n_powers + 1)
    left, right = fig.subplots(1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.12, top=0.86, wspace=0.25))
    for name, J, color in matrices:
        rho = spectral_radius(J)
        norms = np.asarray(jacobian_power_norms(J, n_powers), dtype=float)
        left.plot(k, norms, color=color, lw=2, label=f"{name}, $\\rho = {rho:.2f}$")
        left.plot(k, rho ** k, color=color, lw=1, ls="--")
        right.plot(k, norms ** (1.0 / k), color=color, lw=2)
        right.axhline(rho, color=color, lw=1, ls="--")
    left.plot([], [], color="black", lw=1, ls="--", label=r"$\rho^k$")
    left.axhline(1.0, color="gray", lw=1, ls=":")
    left.set_yscale("log")
    left.set_xlabel("power $k$ (layers)")
    left.set_ylabel(r"$\Vert J^k \Vert_2$")
    left.set_title("the product of k equal Jacobians", fontsize=10)
    left.legend(fontsize=7.5, loc="lower left")
    right.set_xlabel("power $k$")
    right.set_ylabel(r"$\Vert J^k \Vert_2^{1/k}$")
    right.set_title(r"growth per layer settles on $\rho(J)$ (dashed), whatever $\Vert J \Vert_2$", fontsize=10)
    fig.suptitle("Vanishing and exploding through repeated Jacobians: the spectral radius decides "
                 "(matrices and powers of ps2's experiment)", fontsize=10.5)

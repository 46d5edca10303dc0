import numpy as np


def plot_descent(ax, path, a=1.0, b=4.0):
    path = np.asarray(path, dtype=float)
    lo = np.minimum(path.min(axis=0), 0) - 0.5
    hi = np.maximum(path.max(axis=0), 0) + 0.5
    X, Y = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    Z = a * X ** 2 + b * Y ** 2
    ax.contour(X, Y, Z, levels=15)
    ax.plot(path[:, 0], path[:, 1], marker="o", label="path")
    ax.scatter([0], [0], marker="x", color="red", s=80, zorder=3)
    ax.set_aspect("equal")
    ax.set(xlabel="$x$", ylabel="$y$", title=f"descent on {a}x^2 + {b}y^2")
    return ax

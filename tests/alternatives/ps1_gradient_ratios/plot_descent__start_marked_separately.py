import numpy as np


def plot_descent(ax, path, a=1.0, b=4.0):
    path = np.asarray(path, dtype=float)
    lo = np.minimum(path.min(axis=0), 0) - 0.5
    hi = np.maximum(path.max(axis=0), 0) + 0.5
    X, Y = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    Z = a * X ** 2 + b * Y ** 2
    ax.contour(X, Y, Z, levels=15)
    ax.plot(*path.T, "o-", markersize=3)
    ax.plot(*path[0], "gs", label="start")
    ax.plot(0, 0, "k*", label="minimum")
    ax.legend()
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("path")
    return ax

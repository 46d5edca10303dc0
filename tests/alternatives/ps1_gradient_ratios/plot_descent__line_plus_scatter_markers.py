import numpy as np


def plot_descent(ax, path, a=1.0, b=4.0):
    path = np.asarray(path, dtype=float)
    lo = np.minimum(path.min(axis=0), 0) - 0.5
    hi = np.maximum(path.max(axis=0), 0) + 0.5
    X, Y = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    Z = a * X ** 2 + b * Y ** 2
    ax.contour(X, Y, Z, levels=15, colors="gray")
    ax.plot(path[:, 0], path[:, 1], "-", color="C1")
    ax.scatter(path[:, 0], path[:, 1], color="C1", s=12)
    ax.plot(0, 0, "k+", markersize=12)
    ax.set_aspect(1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("path")
    return ax

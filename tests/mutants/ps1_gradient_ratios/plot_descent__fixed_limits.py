import numpy as np

EXPECT = r"cut off part of the path"


def _bowl_grid(path, a, b):
    path = np.asarray(path, dtype=float)
    r = 1.2 * np.max(np.abs(path))
    X, Y = np.meshgrid(np.linspace(-r, r, 101), np.linspace(-r, r, 101))
    return path, X, Y, a * X ** 2 + b * Y ** 2


def plot_descent(ax, path, a=1.0, b=4.0):
    path, X, Y, Z = _bowl_grid(path, a, b)
    ax.contour(X, Y, Z, levels=10)
    ax.plot(path[:, 0], path[:, 1], "o-")
    ax.plot(0, 0, "k*")
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("descent")
    return ax

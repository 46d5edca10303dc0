import numpy as np


def plot_paths(ax, loss_fn, paths, extent):
    # the whole grid at once, as an array of points of shape (ny, nx, 2), filled contours
    xmin, xmax, ymin, ymax = extent
    X, Y = np.meshgrid(np.linspace(xmin, xmax, 60), np.linspace(ymin, ymax, 50))
    Z = np.vectorize(lambda x, y: loss_fn(np.array([x, y])))(X, Y)
    ax.contourf(X, Y, Z, levels=12, cmap="Greys")
    for name, path in paths.items():
        p = np.asarray(path)
        ax.plot(p[:, 0], p[:, 1], "-", label=name)
        ax.scatter(p[:, 0], p[:, 1], s=8)
        ax.plot(p[0, 0], p[0, 1], "k*")
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.legend(loc="upper right")
    return ax

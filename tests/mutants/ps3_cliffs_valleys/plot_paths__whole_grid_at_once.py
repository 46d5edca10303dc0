import numpy as np

EXPECT = r"raised ValueError: this loss takes one point of shape \(2,\)"


def plot_paths(ax, loss_fn, paths, extent):
    xmin, xmax, ymin, ymax = extent
    X, Y = np.meshgrid(np.linspace(xmin, xmax, 50), np.linspace(ymin, ymax, 50))
    ax.contour(X, Y, loss_fn(np.stack([X, Y], axis=-1)), levels=15)
    for name, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "o-", label=name)
    ax.legend()
    return ax

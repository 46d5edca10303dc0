import numpy as np

EXPECT = r"should cover the extent"


def plot_paths(ax, loss_fn, paths, extent):
    xs, ys = np.linspace(-3, 3, 40), np.linspace(-3, 3, 40)
    Z = np.array([[loss_fn(np.array([x, y])) for x in xs] for y in ys])
    ax.contour(xs, ys, Z, levels=15)
    for name, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "o-", label=name)
    ax.legend()
    return ax

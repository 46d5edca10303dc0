import numpy as np

EXPECT = r"no line is labelled"


def plot_paths(ax, loss_fn, paths, extent):
    xmin, xmax, ymin, ymax = extent
    xs, ys = np.linspace(xmin, xmax, 40), np.linspace(ymin, ymax, 40)
    Z = np.array([[loss_fn(np.array([x, y])) for x in xs] for y in ys])
    ax.contour(xs, ys, Z, levels=15)
    for name, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "o-")
    ax.legend(list(paths))
    return ax

import numpy as np

EXPECT = r"no contour lines"


def plot_paths(ax, loss_fn, paths, extent):
    for name, path in paths.items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "o-", label=name)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.legend()
    return ax

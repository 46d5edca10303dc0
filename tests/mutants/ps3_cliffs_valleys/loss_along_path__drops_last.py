import numpy as np

EXPECT = r"the last point included"


def loss_along_path(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(path[k]) for k in range(len(path) - 1)])

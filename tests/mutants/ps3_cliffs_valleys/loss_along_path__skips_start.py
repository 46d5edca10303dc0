import numpy as np

EXPECT = r"starting point path\[0\] included"


def loss_along_path(loss_fn, path):
    path = np.asarray(path, dtype=float)
    return np.array([loss_fn(w) for w in path[1:]])

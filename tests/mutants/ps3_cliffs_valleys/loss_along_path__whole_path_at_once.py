import numpy as np

EXPECT = r"takes one point of shape"


def loss_along_path(loss_fn, path):
    return np.asarray(loss_fn(np.asarray(path, dtype=float)), dtype=float)

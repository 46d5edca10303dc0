import numpy as np


def loss_along_path(loss_fn, path):
    return np.apply_along_axis(loss_fn, 1, np.asarray(path, dtype=float)).astype(float)

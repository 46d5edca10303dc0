import numpy as np


def direction_reversals(path, axis):
    s = np.sign(np.diff(np.asarray(path, dtype=float)[:, axis]))
    return int(np.sum(np.abs(np.diff(s)) == 2))

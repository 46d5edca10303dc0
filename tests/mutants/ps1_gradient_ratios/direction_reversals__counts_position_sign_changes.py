import numpy as np

EXPECT = r"sign changes of the positions"


def direction_reversals(path, axis):
    x = np.asarray(path, dtype=float)[:, axis]
    return int(np.sum(x[:-1] * x[1:] < 0))

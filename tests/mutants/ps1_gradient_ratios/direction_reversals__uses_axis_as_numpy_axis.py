import numpy as np

EXPECT = r"`axis` picks one coordinate"


def direction_reversals(path, axis):
    s = np.diff(np.asarray(path, dtype=float), axis=axis)
    return int(np.sum(s[:-1] * s[1:] < 0))

import numpy as np

EXPECT = r"a zero step is not a reversal"


def direction_reversals(path, axis):
    s = np.diff(np.asarray(path, dtype=float)[:, axis])
    return int(np.sum(s[:-1] * s[1:] <= 0))

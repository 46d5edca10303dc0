import numpy as np

EXPECT = r"lists.*raised TypeError"


def jensen_gap(f, w1, w2, lam):
    # works for arrays and plain numbers, not for lists: lam * [1.0, 2.0] fails
    return float(f(lam * w1 + (1 - lam) * w2) - (lam * f(w1) + (1 - lam) * f(w2)))

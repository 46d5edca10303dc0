import numpy as np

EXPECT = r"lam weighs w1 at the point but w2 on the chord"


def jensen_gap(f, w1, w2, lam):
    w1, w2 = np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    return float(f(lam * w1 + (1 - lam) * w2) - ((1 - lam) * f(w1) + lam * f(w2)))

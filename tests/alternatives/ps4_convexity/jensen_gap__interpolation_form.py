import numpy as np


def jensen_gap(f, w1, w2, lam):
    # the point written as w2 + lam * (w1 - w2); returns a numpy float
    w1 = np.array(w1, dtype=float)
    w2 = np.array(w2, dtype=float)
    f1, f2 = f(w1), f(w2)
    return f(w2 + lam * (w1 - w2)) - (f2 + lam * (f1 - f2))

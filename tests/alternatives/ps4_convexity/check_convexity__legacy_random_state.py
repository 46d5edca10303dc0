import numpy as np


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # the legacy generator, another seed derivation, the witness as lists and a numpy bool
    rs = np.random.RandomState(seed + 12345)
    for _ in range(n_trials):
        lam = rs.uniform(1e-12, 1.0)
        w1 = low + (high - low) * rs.random_sample(dim)
        w2 = low + (high - low) * rs.random_sample(dim)
        gap = f(lam * w1 + (1 - lam) * w2) - lam * f(w1) - (1 - lam) * f(w2)
        if gap > tol:
            return np.bool_(False), (list(w1), list(w2), np.float64(lam))
    return np.bool_(True), None

import numpy as np


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # tests every sample and returns the worst violation
    rng = np.random.default_rng(seed)
    best, best_gap = None, tol
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = rng.uniform(low, high, size=dim)
        lam = rng.uniform()
        gap = jensen_gap(f, w1, w2, lam)
        if gap > best_gap:
            best, best_gap = (w1, w2, lam), gap
    if best is None:
        return True, None
    return False, best

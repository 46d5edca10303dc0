import numpy as np

EXPECT = r"w\[0\]\*w\[1\].*linear along every axis"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # checks convexity along one coordinate at a time: w2 differs from w1 in one entry
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = w1.copy()
        w2[rng.integers(dim)] = rng.uniform(low, high)
        lam = rng.uniform()
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w1, w2, lam)
    return True, None

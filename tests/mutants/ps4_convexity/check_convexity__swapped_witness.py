import numpy as np

EXPECT = r"seem swapped"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = rng.uniform(low, high, size=dim)
        lam = rng.uniform()
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w2, w1, lam)
    return True, None

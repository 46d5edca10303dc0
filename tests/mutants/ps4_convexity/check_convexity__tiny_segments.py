import numpy as np

EXPECT = r"returned \(True, None\), but the function is not convex"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # a local test: w2 is a small step away from w1
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = np.clip(w1 + 1e-3 * rng.normal(size=dim), low, high)
        lam = rng.uniform()
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w1, w2, lam)
    return True, None

import numpy as np

EXPECT = r"returned \(True, None\), but the function is not convex"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # only tests midpoints of segments through the origin: w2 = -w1, lam = 0.5
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = -w1
        if jensen_gap(f, w1, w2, 0.5) > tol:
            return False, (w1, w2, 0.5)
    return True, None

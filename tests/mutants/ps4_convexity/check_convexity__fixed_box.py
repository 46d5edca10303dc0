import numpy as np

EXPECT = r"outside the box"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # ignores the low and high it is given
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(-3.0, 3.0, size=dim)
        w2 = rng.uniform(-3.0, 3.0, size=dim)
        lam = rng.uniform()
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w1, w2, lam)
    return True, None

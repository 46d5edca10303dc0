import numpy as np

EXPECT = r"affine.*rounding noise, not a violation"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.uniform(low, high, size=dim)
        w2 = rng.uniform(low, high, size=dim)
        lam = rng.uniform()
        gap = f(lam * w1 + (1 - lam) * w2) - (lam * f(w1) + (1 - lam) * f(w2))
        if gap > 0:
            return False, (w1, w2, lam)
    return True, None

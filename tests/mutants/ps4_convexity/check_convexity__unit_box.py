import numpy as np

EXPECT = r"outside the box|bends only near the edge"


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # forgets low and high: samples in [0, 1)
    rng = np.random.default_rng(seed)
    for _ in range(n_trials):
        w1 = rng.random(dim)
        w2 = rng.random(dim)
        lam = rng.random()
        if jensen_gap(f, w1, w2, lam) > tol:
            return False, (w1, w2, lam)
    return True, None

import numpy as np


def check_convexity(f, dim, n_trials=2000, low=-3.0, high=3.0, seed=0, tol=1e-9):
    # draws every sample at once, in another order (lam first), then scans them
    rng = np.random.default_rng(seed)
    lams = rng.uniform(0.0, 1.0, size=n_trials)
    W1 = rng.uniform(low, high, size=(n_trials, dim))
    W2 = rng.uniform(low, high, size=(n_trials, dim))
    for w1, w2, lam in zip(W1, W2, lams):
        if 0.0 < lam and f(lam * w1 + (1 - lam) * w2) - (lam * f(w1) + (1 - lam) * f(w2)) > tol:
            return False, (w1, w2, float(lam))
    return True, None

import numpy as np

EXPECT = r"returned None, expected \d+.*after max_steps steps counts too"


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    w = np.array(w0, dtype=float)
    for k in range(max_steps):
        if not np.all(np.isfinite(w)):
            return None
        if loss_fn(w) <= tol:
            return k
        w = w - lr * grad_fn(w)
    return None

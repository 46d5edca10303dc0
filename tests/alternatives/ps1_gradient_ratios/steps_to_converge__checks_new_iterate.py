import numpy as np


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    w = np.asarray(w0, dtype=float)
    if not np.all(np.isfinite(w)):
        return None
    k = 0
    while loss_fn(w) > tol:
        if k == max_steps:
            return None
        w = w - lr * grad_fn(w)
        k += 1
        if not np.isfinite(w).all():
            return None
    return k

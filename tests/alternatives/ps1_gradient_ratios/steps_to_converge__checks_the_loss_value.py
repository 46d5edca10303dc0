import numpy as np


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    w = np.array(w0, dtype=float)
    for k in range(max_steps + 1):
        value = loss_fn(w)
        if not np.isfinite(value):
            return None
        if value <= tol:
            return k
        if k < max_steps:
            w = w - lr * grad_fn(w)
    return None

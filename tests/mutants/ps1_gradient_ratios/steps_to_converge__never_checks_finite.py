import numpy as np

EXPECT = r"FloatingPointError: the gradient was evaluated at the non-finite point"


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    w = np.array(w0, dtype=float)
    for k in range(max_steps + 1):
        if loss_fn(w) <= tol:
            return k
        w = w - lr * grad_fn(w)
    return None

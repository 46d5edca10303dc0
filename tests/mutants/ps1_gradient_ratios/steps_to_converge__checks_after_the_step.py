import numpy as np

EXPECT = r"within tol at w0=.*is 1, expected 0.*check the loss before taking the first step"


def steps_to_converge(loss_fn, grad_fn, w0, lr, tol=1e-8, max_steps=10_000):
    w = np.array(w0, dtype=float)
    for k in range(1, max_steps + 1):
        w = w - lr * grad_fn(w)
        if not np.all(np.isfinite(w)):
            return None
        if loss_fn(w) <= tol:
            return k
    return None

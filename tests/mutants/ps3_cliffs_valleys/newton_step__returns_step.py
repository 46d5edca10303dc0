import numpy as np

EXPECT = r"not only the step"


def newton_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return np.linalg.solve(hess_fn(w), grad_fn(w))

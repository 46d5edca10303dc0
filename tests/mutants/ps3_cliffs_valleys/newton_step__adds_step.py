import numpy as np

EXPECT = r"Newton step is subtracted"


def newton_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w + np.linalg.solve(hess_fn(w), grad_fn(w))

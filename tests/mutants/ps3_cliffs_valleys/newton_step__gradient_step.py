import numpy as np

EXPECT = r"plain gradient step"


def newton_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w - grad_fn(w)

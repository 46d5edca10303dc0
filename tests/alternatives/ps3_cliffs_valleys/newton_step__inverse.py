import numpy as np


def newton_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w - np.linalg.inv(hess_fn(w)) @ grad_fn(w)

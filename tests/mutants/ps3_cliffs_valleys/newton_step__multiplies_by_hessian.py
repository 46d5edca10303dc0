import numpy as np

EXPECT = r"not by H itself"


def newton_step(grad_fn, hess_fn, w):
    w = np.asarray(w, dtype=float)
    return w - hess_fn(w) @ grad_fn(w)

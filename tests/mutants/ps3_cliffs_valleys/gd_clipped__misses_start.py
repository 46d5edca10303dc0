import numpy as np

EXPECT = r"path starts with path\[0\] = w0"


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps):
        w = w - lr * clip_by_norm(grad_fn(w), max_norm)
        path.append(w.copy())
    return np.array(path)

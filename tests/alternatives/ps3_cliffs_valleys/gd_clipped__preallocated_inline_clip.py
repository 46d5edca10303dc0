import numpy as np


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    w0 = np.asarray(w0, dtype=float)
    path = np.zeros((n_steps + 1, w0.size))
    path[0] = w0
    for k in range(n_steps):
        g = np.asarray(grad_fn(path[k]), dtype=float)
        norm = np.linalg.norm(g)
        if norm > max_norm:
            g = g / norm * max_norm
        path[k + 1] = path[k] - lr * g
    return path

import numpy as np

EXPECT = r"clip the gradient, then multiply by lr"


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - clip_by_norm(lr * grad_fn(w), max_norm)
        path.append(w.copy())
    return np.array(path)

import numpy as np

EXPECT = r"gradients are not clipped"


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - lr * grad_fn(w)
        path.append(w.copy())
    return np.array(path)

import numpy as np

EXPECT = r"not each component"


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w = w - lr * np.clip(grad_fn(w), -max_norm, max_norm)
        path.append(w.copy())
    return np.array(path)

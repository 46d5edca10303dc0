import numpy as np

EXPECT = r"misses its start"


def gradient_descent(grad_fn, w0, lr, n_steps):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(n_steps + 1):
        w = w - lr * grad_fn(w)
        path.append(w)
    return np.array(path)

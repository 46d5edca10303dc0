import numpy as np


def gradient_descent(grad_fn, w0, lr, n_steps):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w -= lr * np.asarray(grad_fn(w))
        path.append(w.copy())
    return np.array(path)

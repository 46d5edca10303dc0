import numpy as np


def gradient_descent(grad_fn, w0, lr, n_steps):
    path = np.atleast_2d(np.asarray(w0, dtype=float))
    for _ in range(n_steps):
        path = np.vstack([path, path[-1] - lr * grad_fn(path[-1])])
    return path

import numpy as np

EXPECT = r"uphill"


def gradient_descent(grad_fn, w0, lr, n_steps):
    path = [np.array(w0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] + lr * grad_fn(path[-1]))
    return np.array(path)

import numpy as np

EXPECT = r"path starts with path\[0\] = w0"


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = []
    for _ in range(n_steps):
        v = beta * v - lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path).reshape(n_steps, w.size)

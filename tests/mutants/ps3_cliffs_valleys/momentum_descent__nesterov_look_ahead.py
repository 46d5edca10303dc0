import numpy as np

EXPECT = r"look-ahead point"


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        v = beta * v - lr * grad_fn(w + beta * v)
        w = w + v
        path.append(w.copy())
    return np.array(path)

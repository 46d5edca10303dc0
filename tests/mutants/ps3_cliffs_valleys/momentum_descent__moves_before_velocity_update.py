import numpy as np

EXPECT = r"update the velocity first"


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        g = grad_fn(w)
        w = w + v
        v = beta * v - lr * g
        path.append(w.copy())
    return np.array(path)

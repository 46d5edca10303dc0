import numpy as np

EXPECT = r"beta has no effect"


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        v = np.zeros_like(w)
        v = beta * v - lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path)

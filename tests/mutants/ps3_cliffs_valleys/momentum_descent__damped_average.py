import numpy as np

EXPECT = r"no \(1 - beta\) factor"


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        v = beta * v - (1 - beta) * lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
    return np.array(path)

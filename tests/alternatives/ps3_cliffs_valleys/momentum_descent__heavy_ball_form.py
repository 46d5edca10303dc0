import numpy as np


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    # w_{k+1} = w_k - lr grad(w_k) + beta (w_k - w_{k-1}), with w_{-1} = w_0
    path = [np.array(w0, dtype=float)]
    previous = path[0]
    for _ in range(n_steps):
        w = path[-1]
        path.append(w - lr * np.asarray(grad_fn(w)) + beta * (w - previous))
        previous = w
    return np.array(path)

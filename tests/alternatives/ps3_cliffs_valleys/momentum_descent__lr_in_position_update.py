import numpy as np


def momentum_descent(grad_fn, w0, lr, beta, n_steps):
    # u_k = v_k / lr: u_{k+1} = beta u_k - grad, w_{k+1} = w_k + lr u_{k+1}; the same path for a fixed lr
    w = np.array(w0, dtype=float)
    u = np.zeros_like(w)
    path = [w.copy()]
    for _ in range(n_steps):
        u = beta * u - grad_fn(w)
        w = w + lr * u
        path.append(w.copy())
    return np.array(path)

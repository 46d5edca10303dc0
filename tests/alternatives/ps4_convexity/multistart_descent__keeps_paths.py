import numpy as np


def multistart_descent(grad_fn, starts, lr, n_steps):
    finals = []
    for start in np.asarray(starts, dtype=float):
        path = [start]
        for k in range(n_steps):
            path.append(path[k] - lr * grad_fn(path[k]))
        finals.append(path[-1])
    return np.stack(finals)

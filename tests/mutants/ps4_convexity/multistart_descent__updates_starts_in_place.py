import numpy as np

EXPECT = r"changed its input"


def multistart_descent(grad_fn, starts, lr, n_steps):
    starts = np.asarray(starts, dtype=float)
    for i in range(len(starts)):
        w = starts[i]
        for _ in range(n_steps):
            w -= lr * grad_fn(w)
    return starts

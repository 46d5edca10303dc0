import numpy as np

EXPECT = r"one step too few"


def multistart_descent(grad_fn, starts, lr, n_steps):
    starts = np.asarray(starts, dtype=float)
    out = []
    for w in starts:
        for _ in range(n_steps - 1):
            w = w - lr * grad_fn(w)
        out.append(w)
    return np.array(out)

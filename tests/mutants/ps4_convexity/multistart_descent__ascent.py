import numpy as np

EXPECT = r"against the gradient"


def multistart_descent(grad_fn, starts, lr, n_steps):
    finals = []
    for w in np.asarray(starts, dtype=float):
        for _ in range(n_steps):
            w = w + lr * grad_fn(w)
        finals.append(w)
    return np.array(finals)

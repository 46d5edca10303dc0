import numpy as np


def multistart_descent(grad_fn, starts, lr, n_steps):
    # all starts at once: the gradients given act on the last axis of a batch
    W = np.array(starts, dtype=float)
    for _ in range(n_steps):
        W = W - lr * grad_fn(W)
    return W

import numpy as np

EXPECT = r"as integers.*Hint: w0 holds integers"


def gd_clipped(grad_fn, w0, lr, n_steps, max_norm):
    # the path inherits w0's dtype: with integer w0 every row is rounded towards zero
    path = np.repeat(np.asarray(w0)[None, :], n_steps + 1, axis=0)
    for k in range(n_steps):
        path[k + 1] = path[k] - lr * clip_by_norm(grad_fn(path[k]), max_norm)
    return path

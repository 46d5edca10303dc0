import numpy as np

EXPECT = r"not the whole path"


def multistart_descent(grad_fn, starts, lr, n_steps):
    paths = []
    for w in np.asarray(starts, dtype=float):
        path = [w]
        for _ in range(n_steps):
            w = w - lr * grad_fn(w)
            path.append(w)
        paths.append(path)
    return np.array(paths)

import numpy as np

EXPECT = r"changed its input \(argument 2\) in place"


def gradient_descent(grad_fn, w0, lr, n_steps):
    w = np.asarray(w0, dtype=float)
    path = [w.copy()]
    for _ in range(n_steps):
        w -= lr * grad_fn(w)
        path.append(w.copy())
    return np.array(path)

import numpy as np


def bowl_loss(w, a=1.0, b=4.0):
    w = np.asarray(w, dtype=float)
    flat = w.reshape(-1, 2)
    out = np.empty(len(flat))
    for i, (x, y) in enumerate(flat):
        out[i] = a * x * x + b * y * y
    return out.reshape(w.shape[:-1])

import numpy as np


def permute_hidden(params, perm):
    new = {}
    for key, value in params.items():
        if key == "W1":
            new[key] = np.take(np.asarray(value), perm, axis=0)
        elif key in ("b1", "w2"):
            new[key] = np.array([value[p] for p in perm])
        else:
            new[key] = value
    return new

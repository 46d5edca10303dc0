import numpy as np

EXPECT = r"changed its input"


def permute_hidden(params, perm):
    for key in ("W1", "b1", "w2"):
        params[key] = np.asarray(params[key])[perm]
    return params

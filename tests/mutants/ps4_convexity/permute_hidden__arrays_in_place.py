import numpy as np

EXPECT = r"changed its input"


def permute_hidden(params, perm):
    new = dict(params)
    for key in ("W1", "b1", "w2"):
        new[key][:] = new[key][perm]     # writes into the caller's arrays
    return new

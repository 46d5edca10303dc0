import numpy as np

EXPECT = r"dL_do=-2\.5\).*start the backward pass from dL_do"


def weight_grads_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x)
    return sigmoid_prime(w * h[:-1]) * h[:-1] * g[1:]

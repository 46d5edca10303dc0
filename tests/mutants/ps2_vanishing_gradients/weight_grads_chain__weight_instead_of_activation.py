import numpy as np

EXPECT = r"has the factor h\[t\]"


def weight_grads_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return sigmoid_prime(w * h[:-1]) * w * g[1:]

import numpy as np


def weight_grads_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    out = np.zeros(len(w))
    for t in range(len(w)):
        out[t] = sigmoid_prime(w[t] * h[t]) * h[t] * g[t + 1]
    return out

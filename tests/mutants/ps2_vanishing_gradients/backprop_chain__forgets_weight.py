import numpy as np

EXPECT = r"multiplies by the weight w\[t\]"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * g[t + 1]
    return g

"""range(m - 1, 0, -1) stops before t = 0, so dL/dh_0 is never computed."""
import numpy as np

EXPECT = r"only g\[0\] is wrong"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.zeros(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, 0, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * w[t] * g[t + 1]
    return g

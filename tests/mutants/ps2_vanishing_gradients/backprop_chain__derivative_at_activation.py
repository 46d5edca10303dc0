import numpy as np

EXPECT = r"evaluated at the pre-activation w\[t\] \* h\[t\], not at h\[t\]"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(h[t]) * w[t] * g[t + 1]
    return g

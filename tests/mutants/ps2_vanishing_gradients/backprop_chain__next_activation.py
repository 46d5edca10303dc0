"""Off by one in the activation: step t reads h[t+1] (the layer's output) instead of h[t]."""
import numpy as np

EXPECT = r"uses h\[t\], the activation that enters layer t \+ 1"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t + 1]) * w[t] * g[t + 1]
    return g

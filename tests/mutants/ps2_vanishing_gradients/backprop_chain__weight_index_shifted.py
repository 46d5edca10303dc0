"""Off by one in the weight: the chapter's w_t read as w[t], so step t uses w[t-1]
(and w[-1], the last weight, at t = 0)."""
import numpy as np

EXPECT = r"backprop_chain\(w=\[0\.3, -1\.2\], x=0\.5\).*not w\[t-1\]"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.empty(w.size + 1)
    g[-1] = dL_do
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t - 1] * h[t]) * w[t - 1] * g[t + 1]
    return g

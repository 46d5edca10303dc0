"""Returns dL/dh_0 .. dL/dh_{m-1} and leaves out g[m] = dL_do."""
import numpy as np

EXPECT = r"expected shape \(3,\).*Hint: g has m \+ 1 entries"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = []
    upstream = dL_do
    for t in range(w.size - 1, -1, -1):
        upstream = sigmoid_prime(w[t] * h[t]) * w[t] * upstream
        g.insert(0, upstream)
    return np.array(g)

import numpy as np

EXPECT = r"dL_do=2\.0\).*Hint: the recursion starts from g\[m\] = dL_do"


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = np.ones(w.size + 1)
    for t in range(w.size - 1, -1, -1):
        g[t] = sigmoid_prime(w[t] * h[t]) * w[t] * g[t + 1]
    return g

import numpy as np

EXPECT = r"sigmoid'\(w\[t\] \* h\[t\]\) is missing"


def weight_grads_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    g = backprop_chain(w, x, dL_do)
    return h[:-1] * g[1:]

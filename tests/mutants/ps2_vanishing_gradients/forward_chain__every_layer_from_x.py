import numpy as np

EXPECT = r"previous activation h\[t\], not the input x"


def forward_chain(w, x):
    w = np.asarray(w, dtype=float)
    h = np.empty(w.size + 1)
    h[0] = x
    for t in range(w.size):
        h[t + 1] = sigmoid(w[t] * x)
    return h

import numpy as np

EXPECT = r"weight goes inside the sigmoid"


def forward_chain(w, x):
    w = np.asarray(w, dtype=float)
    h = np.empty(w.size + 1)
    h[0] = x
    for t in range(w.size):
        h[t + 1] = w[t] * sigmoid(h[t])
    return h

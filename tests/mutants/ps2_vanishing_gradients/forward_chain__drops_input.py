import numpy as np

EXPECT = r"shape \(\d+,\), expected shape .*Hint: the first entry must be h\[0\] = x"


def forward_chain(w, x):
    h = []
    current = float(x)
    for wt in np.asarray(w, dtype=float):
        current = float(sigmoid(wt * current))
        h.append(current)
    return np.array(h)

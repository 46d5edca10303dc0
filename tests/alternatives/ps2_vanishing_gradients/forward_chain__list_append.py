import numpy as np


def forward_chain(w, x):
    h = [float(x)]
    for wt in w:
        h.append(float(sigmoid(wt * h[-1])))
    return np.array(h)

"""Inline forward pass and a list built backwards."""
import math

import numpy as np


def backprop_chain(w, x, dL_do=1.0):
    w = [float(v) for v in np.ravel(w)]
    h = [float(x)]
    for wt in w:
        h.append(float(sigmoid(wt * h[-1])))
    g = [float(dL_do)]
    for t in reversed(range(len(w))):
        s = float(sigmoid(w[t] * h[t]))
        g.append(s * (1 - s) * w[t] * g[-1])
    return np.array(g[::-1])

"""Forward pass, then one backward pass that carries dL/dh and emits dL/dw on the way."""
import numpy as np


def weight_grads_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = [float(x)]
    for wt in w:
        h.append(float(sigmoid(wt * h[-1])))
    grads = np.zeros(w.size)
    upstream = float(dL_do)                        # dL/dh_{t+1}
    for t in range(w.size - 1, -1, -1):
        local = float(sigmoid_prime(w[t] * h[t])) * upstream   # dL/d(w[t] h[t])
        grads[t] = local * h[t]
        upstream = local * w[t]
    return grads

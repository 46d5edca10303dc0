"""One chain at a time, tanh's slope through cosh, ReLU's through np.heaviside."""
import numpy as np


def activation_gradient_magnitudes(W, x, activation):
    if activation == "sigmoid":
        phi, dphi = sigmoid, sigmoid_prime
    elif activation == "tanh":
        phi, dphi = np.tanh, lambda z: 1.0 / np.cosh(z) ** 2
    elif activation == "relu":
        phi, dphi = (lambda z: np.maximum(z, 0.0)), (lambda z: np.heaviside(z, 0.0))
    else:
        raise ValueError(f"unknown activation {activation}")
    rows = []
    for w in np.asarray(W, dtype=float):
        h = [float(x)]
        for wt in w:
            h.append(float(phi(wt * h[-1])))
        g = [1.0]
        for t in range(len(w) - 1, -1, -1):
            g.insert(0, float(dphi(w[t] * h[t])) * w[t] * g[0])
        rows.append(np.abs(g))
    return np.array(rows, dtype=float).reshape(np.shape(W)[0], np.shape(W)[1] + 1)

"""Takes ReLU's slope at exactly z = 0 as 1 (z >= 0): the notebook fixes it at 0, and x = 0 shows it."""
import numpy as np

EXPECT = r"relu\): entry \[0, 2\] of the result is 3, expected 0"


def activation_gradient_magnitudes(W, x, activation):
    slopes = {"sigmoid": (sigmoid, sigmoid_prime), "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
              "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z >= 0).astype(float))}
    if activation not in slopes:
        raise ValueError(activation)
    phi, dphi = slopes[activation]
    W = np.asarray(W, dtype=float)
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)

"""Falls back to the sigmoid for a name it does not know instead of raising ValueError."""
import numpy as np

EXPECT = r"softplus.*expected it to raise ValueError"


def activation_gradient_magnitudes(W, x, activation):
    W = np.asarray(W, dtype=float)
    if activation == "tanh":
        phi, dphi = np.tanh, lambda z: 1.0 - np.tanh(z) ** 2
    elif activation == "relu":
        phi, dphi = (lambda z: np.maximum(z, 0.0)), (lambda z: (z > 0).astype(float))
    else:
        phi, dphi = sigmoid, sigmoid_prime
    h = [np.full(W.shape[0], float(x))]
    for t in range(W.shape[1]):
        h.append(phi(W[:, t] * h[t]))
    g = [np.ones(W.shape[0])]
    for t in range(W.shape[1] - 1, -1, -1):
        g.insert(0, dphi(W[:, t] * h[t]) * W[:, t] * g[0])
    return np.abs(np.array(g).T)

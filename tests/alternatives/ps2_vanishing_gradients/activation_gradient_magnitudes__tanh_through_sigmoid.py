"""tanh(z) = 2 sigmoid(2z) - 1, so tanh'(z) = 4 sigmoid'(2z); the sigmoid case reuses gradient_magnitudes."""
import numpy as np


def activation_gradient_magnitudes(W, x, activation):
    W = np.asarray(W, dtype=float)
    if activation == "sigmoid":
        return gradient_magnitudes(W, x)
    if activation == "tanh":
        phi, dphi = (lambda z: 2.0 * sigmoid(2.0 * z) - 1.0), (lambda z: 4.0 * sigmoid_prime(2.0 * z))
    elif activation == "relu":
        phi, dphi = (lambda z: np.where(z > 0, z, 0.0)), (lambda z: np.where(z > 0, 1.0, 0.0))
    else:
        raise ValueError(activation)
    h = np.empty((W.shape[0], W.shape[1] + 1))
    h[:, 0] = x
    for t in range(W.shape[1]):
        h[:, t + 1] = phi(W[:, t] * h[:, t])
    slopes = dphi(W * h[:, :-1]) * W
    # the product of the factors above each h_t, from the output down
    return np.abs(np.concatenate([np.cumprod(slopes[:, ::-1], axis=1)[:, ::-1], np.ones((W.shape[0], 1))], axis=1))

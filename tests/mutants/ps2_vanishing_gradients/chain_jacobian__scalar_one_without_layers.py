"""Starts the product from the number 1 instead of an identity matrix."""
import numpy as np

EXPECT = r"no layers.*identity of size len\(x\)"


def chain_jacobian(Ws, x):
    h = np.asarray(x, dtype=float)
    P = np.array(1.0)
    for W in Ws:
        W = np.asarray(W, dtype=float)
        P = layer_jacobian(W, h) @ P if P.ndim else layer_jacobian(W, h)
        h = sigmoid(W @ h)
    return P

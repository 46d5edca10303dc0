"""Starts the product from the first Jacobian, so no layers gives None."""
import numpy as np

EXPECT = r"chain_jacobian\(no layers, x of length 3\): the result is None.*identity of size len\(x\) = 3"


def chain_jacobian(Ws, x):
    h = np.asarray(x, dtype=float)
    P = None
    for W in Ws:
        W = np.asarray(W, dtype=float)
        J = layer_jacobian(W, h)
        P = J if P is None else J @ P
        h = sigmoid(W @ h)
    return P

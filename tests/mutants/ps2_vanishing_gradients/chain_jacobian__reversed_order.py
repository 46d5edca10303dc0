"""Multiplies each new Jacobian on the right: J_1 @ J_2 @ ... @ J_m."""
import numpy as np

EXPECT = r"chain_jacobian\(three square 4 x 4 layers\).*multiplies from the left|raised ValueError.*only the product J_m @ ... @ J_1 fits"


def chain_jacobian(Ws, x):
    h = np.asarray(x, dtype=float)
    P = np.eye(h.size)
    for W in Ws:
        W = np.asarray(W, dtype=float)
        P = P @ layer_jacobian(W, h)
        h = sigmoid(W @ h)
    return P

import numpy as np


def chain_jacobian(Ws, x):
    """Multiplies the layer Jacobians in the wrong order (J_1 @ ... @ J_m)."""
    h = np.asarray(x, dtype=float)
    P = np.eye(h.size)
    for W in Ws:
        W = np.asarray(W, dtype=float)
        J = layer_jacobian(W, h)
        P = P @ J if P.shape[1] == J.shape[0] else J @ P
        h = sigmoid(W @ h)
    return P

"""Evaluates every layer's Jacobian at x instead of running the forward pass."""
import numpy as np

EXPECT = r"not at x: run the forward pass|raised ValueError"


def chain_jacobian(Ws, x):
    x = np.asarray(x, dtype=float)
    P = np.eye(x.size)
    for W in Ws:
        P = layer_jacobian(np.asarray(W, dtype=float), x) @ P
    return P

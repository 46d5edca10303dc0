"""Multiplies from the output side, P = J_m, then P @ J_{m-1}, ...: the same product, other order."""
import numpy as np


def chain_jacobian(Ws, x):
    h = np.asarray(x, dtype=float)
    Js = []
    for W in Ws:
        W = np.asarray(W, dtype=float)
        a = W @ h
        s = sigmoid(a)
        Js.append((s * (1 - s))[:, None] * W)
        h = s
    P = np.eye(len(x)) if not Js else Js[-1]
    for J in reversed(Js[:-1]):
        P = P @ J
    return P

"""sigmoid'(W @ h) broadcast against W's columns instead of its rows."""
import numpy as np

EXPECT = r"scales row i of W, not column i"


def layer_jacobian(W, h):
    W = np.asarray(W, dtype=float)
    return sigmoid_prime(W @ np.asarray(h, dtype=float)) * W

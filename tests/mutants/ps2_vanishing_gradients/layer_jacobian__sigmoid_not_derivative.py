import numpy as np

EXPECT = r"the derivative, not sigmoid\(W @ h\)"


def layer_jacobian(W, h):
    W = np.asarray(W, dtype=float)
    return np.diag(sigmoid(W @ np.asarray(h, dtype=float))) @ W

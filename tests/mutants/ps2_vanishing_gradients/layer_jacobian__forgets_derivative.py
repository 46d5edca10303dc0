import numpy as np

EXPECT = r"diag\(sigmoid'\(W @ h\)\) is missing"


def layer_jacobian(W, h):
    return np.array(W, dtype=float)

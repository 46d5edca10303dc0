"""sigmoid' evaluated at the layer's input h instead of its pre-activation W @ h."""
import numpy as np

EXPECT = r"pre-activation W @ h, not at h"


def layer_jacobian(W, h):
    W = np.asarray(W, dtype=float)
    h = np.asarray(h, dtype=float)
    return W * sigmoid_prime(h)[None, :]

"""Reports the weights' gradients |dL/dw_t| instead of |dL/dh_t|."""
import numpy as np

EXPECT = r"weights' gradients"


def gradient_magnitudes(W, x):
    W = np.asarray(W, dtype=float)
    return np.array([np.abs(weight_grads_chain(row, x)) for row in W]).reshape(W.shape)

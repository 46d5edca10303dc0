"""np.where picks between two branches, but numpy computes both of them in full."""
import numpy as np

EXPECT = r"RuntimeWarning: overflow"


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))

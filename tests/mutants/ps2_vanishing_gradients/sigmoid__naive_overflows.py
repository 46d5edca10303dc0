"""The textbook formula: exp(-z) overflows (with a RuntimeWarning) for z below about -709."""
import numpy as np

EXPECT = r"RuntimeWarning: overflow encountered in exp.*Hint: exp\(-z\) overflows"


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return 1.0 / (1.0 + np.exp(-z))

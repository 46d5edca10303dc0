"""The tanh form with z where z / 2 belongs."""
import numpy as np

EXPECT = r"sigmoid\(z=\[-1, 0, 1\]\).*tanh form needs z / 2"


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float)))

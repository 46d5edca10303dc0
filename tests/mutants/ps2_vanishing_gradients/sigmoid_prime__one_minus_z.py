import numpy as np

EXPECT = r"not \(1 - z\)"


def sigmoid_prime(z):
    return sigmoid(z) * (1.0 - np.asarray(z, dtype=float))

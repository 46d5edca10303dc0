"""exp(-z) / (1 + exp(-z))**2 is inf / inf = nan for large negative z."""
import numpy as np

EXPECT = r"nan.*Hint: exp\(-z\) overflows"


def sigmoid_prime(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(-z) / (1.0 + np.exp(-z)) ** 2

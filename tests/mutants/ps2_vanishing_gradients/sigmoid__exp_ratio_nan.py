"""exp(z) / (1 + exp(z)) with errors silenced: inf / inf is nan for large z."""
import numpy as np

EXPECT = r"returned nan"


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.exp(z) / (1.0 + np.exp(z))

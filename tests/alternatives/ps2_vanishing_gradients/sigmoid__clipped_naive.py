"""The textbook formula on z clipped to [-500, 500]: exp(500) is finite, and the
clipped values are wrong by less than 1e-217."""
import numpy as np


def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -500.0, 500.0)
    return 1.0 / (1.0 + np.exp(-z))

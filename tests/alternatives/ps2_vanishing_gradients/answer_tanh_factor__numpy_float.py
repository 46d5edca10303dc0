import numpy as np


def answer_tanh_factor():
    return np.float64(9.6e-07) ** np.float64(1 / 20)

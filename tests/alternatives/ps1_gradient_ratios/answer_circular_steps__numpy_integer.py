import numpy as np


def answer_circular_steps():
    return np.int64(1)

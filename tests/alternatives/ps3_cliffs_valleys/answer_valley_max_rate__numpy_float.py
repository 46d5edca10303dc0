import numpy as np


def answer_valley_max_rate():
    return np.float64(0.1)

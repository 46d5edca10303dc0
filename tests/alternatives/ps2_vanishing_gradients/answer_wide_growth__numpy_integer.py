import numpy as np


def answer_wide_growth():
    return np.int64(16)

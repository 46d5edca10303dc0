import numpy as np


def answer_starts_in_lowest():
    return np.int64(0)

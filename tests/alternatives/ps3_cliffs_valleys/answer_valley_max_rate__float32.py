import numpy as np


def answer_valley_max_rate():
    return np.float32(0.1)   # float32 rounding, well within the tolerance

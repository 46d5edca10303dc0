import numpy as np

EXPECT = r"not in the form asked for"


def answer_valley_max_rate():
    return np.array([0.05, 0.09, 0.1, 0.11])

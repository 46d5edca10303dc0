import numpy as np


def answer_claims_rejected():
    return np.int64(4)

import numpy as np

EXPECT = r"off-diagonal entries"


def quadratic_minimizer(A, b):
    # minimizes each coordinate separately: a_ii * w_i**2 + b_i * w_i
    return -np.asarray(b, dtype=float) / (2 * np.diag(np.asarray(A, dtype=float)))

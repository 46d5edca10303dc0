import numpy as np


def quadratic_minimizer(A, b):
    A = np.asarray(A, dtype=float)
    return np.linalg.lstsq(2 * A, -np.asarray(b, dtype=float), rcond=None)[0]

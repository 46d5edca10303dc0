import numpy as np

EXPECT = r"factor 2 is missing"


def quadratic_minimizer(A, b):
    return -np.linalg.solve(np.asarray(A, dtype=float), np.asarray(b, dtype=float))

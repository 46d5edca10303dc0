import numpy as np

EXPECT = r"sign is flipped"


def quadratic_minimizer(A, b):
    return np.linalg.solve(2 * np.asarray(A, dtype=float), np.asarray(b, dtype=float))

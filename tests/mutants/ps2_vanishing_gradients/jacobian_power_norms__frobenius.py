"""np.linalg.norm of a matrix defaults to the Frobenius norm."""
import numpy as np

EXPECT = r"Frobenius norm"


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    return np.array([np.linalg.norm(np.linalg.matrix_power(J, k)) for k in range(1, n + 1)])

"""Largest |eigenvalue| of each power, which is spectral_radius(J)**k, instead of its norm."""
import numpy as np

EXPECT = r"spectral radius of each power"


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    return np.array([np.max(np.abs(np.linalg.eigvals(np.linalg.matrix_power(J, k)))) for k in range(1, n + 1)])

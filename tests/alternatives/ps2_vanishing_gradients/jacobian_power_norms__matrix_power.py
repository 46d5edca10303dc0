import numpy as np


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    return np.array([np.linalg.svd(np.linalg.matrix_power(J, k), compute_uv=False)[0]
                     for k in range(1, n + 1)], dtype=float)

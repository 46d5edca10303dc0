import numpy as np

EXPECT = r"elementwise power"


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    return np.array([np.linalg.norm(J ** k, 2) for k in range(1, n + 1)])

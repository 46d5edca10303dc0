import numpy as np


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    norms = []
    P = J.copy()
    for _ in range(n):
        norms.append(np.linalg.norm(P, ord=2))
        P = J @ P
    return np.array(norms)

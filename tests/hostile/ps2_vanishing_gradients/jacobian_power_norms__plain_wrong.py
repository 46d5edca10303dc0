import numpy as np


def jacobian_power_norms(J, n):
    """Frobenius norms instead of spectral norms."""
    J = np.asarray(J, dtype=float)
    P = np.eye(J.shape[0])
    out = []
    for _ in range(n):
        P = P @ J
        out.append(np.linalg.norm(P))
    return np.array(out)

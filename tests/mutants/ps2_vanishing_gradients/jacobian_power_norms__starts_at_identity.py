"""Records the norm before multiplying: J**0 ... J**(n-1)."""
import numpy as np

EXPECT = r"starts at J\*\*1, not at J\*\*0"


def jacobian_power_norms(J, n):
    J = np.asarray(J, dtype=float)
    P = np.eye(J.shape[0])
    norms = []
    for _ in range(n):
        norms.append(np.linalg.norm(P, 2))
        P = P @ J
    return np.array(norms)

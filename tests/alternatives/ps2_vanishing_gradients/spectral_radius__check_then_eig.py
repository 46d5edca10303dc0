import numpy as np


def spectral_radius(A):
    A = np.array(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError("A must be a square matrix")
    eigenvalues, _ = np.linalg.eig(A)
    return max(abs(eigenvalues))

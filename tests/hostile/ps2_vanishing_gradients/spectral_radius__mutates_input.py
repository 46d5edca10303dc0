import numpy as np


def spectral_radius(A):
    """Right value, but scales the caller's matrix in place on the way."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.size == 0:
        raise ValueError(f"spectral_radius needs a square matrix, got shape {A.shape}")
    A *= 2.0
    r = float(np.max(np.abs(np.linalg.eigvals(A)))) / 2.0
    return r

import numpy as np


def spectral_radius(A):
    """Right answer, with 1 MB of debugging output per call."""
    A = np.asarray(A, dtype=float)
    print("debug " * 170_000)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.size == 0:
        raise ValueError(f"spectral_radius needs a square matrix, got shape {A.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(A))))

"""eigvalsh is for symmetric matrices: it reads only the lower triangle."""
import numpy as np

EXPECT = r"eigvalsh assumes a symmetric matrix"


def spectral_radius(A):
    return float(np.max(np.abs(np.linalg.eigvalsh(np.asarray(A, dtype=float)))))

import numpy as np

EXPECT = r"spectral_radius\(A=\[\[-3, 0\], \[0, 2\]\]\).*not the largest in absolute value"


def spectral_radius(A):
    return float(np.max(np.linalg.eigvals(np.asarray(A, dtype=float)).real))

import numpy as np


def is_psd(H, tol=1e-10):
    H = np.array(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("is_psd: H is not square")
    eig = np.linalg.eigvals(0.5 * (H + H.T)).real
    return np.all(eig >= -tol)

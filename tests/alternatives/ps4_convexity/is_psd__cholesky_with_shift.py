import numpy as np


def is_psd(H, tol=1e-10):
    # S + tol*I is positive definite exactly when S has no eigenvalue below -tol
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    S = 0.5 * (H + H.T)
    try:
        np.linalg.cholesky(S + tol * np.eye(len(S)))
    except np.linalg.LinAlgError:
        return False
    return True

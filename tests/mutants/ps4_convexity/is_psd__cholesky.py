import numpy as np

EXPECT = r"eigenvalue 0.*still counts"


def is_psd(H, tol=1e-10):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be square")
    try:
        np.linalg.cholesky((H + H.T) / 2)
        return True
    except np.linalg.LinAlgError:
        return False

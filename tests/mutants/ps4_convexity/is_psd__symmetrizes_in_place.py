import numpy as np

EXPECT = r"changed its input"


def is_psd(H, tol=1e-10):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be square")
    H += H.T
    H /= 2
    return bool(np.linalg.eigvalsh(H).min() >= -tol)

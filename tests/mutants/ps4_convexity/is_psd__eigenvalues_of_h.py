import numpy as np

EXPECT = r"only sees the symmetric part"


def is_psd(H, tol=1e-10):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be square")
    return bool(np.all(np.linalg.eigvals(H).real >= -tol))

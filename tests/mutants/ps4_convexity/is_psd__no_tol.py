import numpy as np

EXPECT = r"-1e-12.*compare with -tol"


def is_psd(H, tol=1e-10):
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError("H must be square")
    return bool(np.linalg.eigvalsh((H + H.T) / 2).min() >= 0)

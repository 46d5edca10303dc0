import numpy as np

EXPECT = r"2x3 matrix.*expected it to raise ValueError"


def is_psd(H, tol=1e-10):
    H = np.atleast_2d(np.asarray(H, dtype=float))
    if H.shape[0] != H.shape[1]:
        H = H.T @ H          # "make it square"
    return bool(np.linalg.eigvalsh((H + H.T) / 2).min() >= -tol)

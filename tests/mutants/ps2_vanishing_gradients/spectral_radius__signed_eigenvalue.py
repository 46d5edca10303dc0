"""Returns the eigenvalue of largest modulus itself (negative or complex), not its modulus."""
import numpy as np

EXPECT = r"spectral_radius\(A=\[\[-3, 0\], \[0, 2\]\]\): the result is -3, expected 3"


def spectral_radius(A):
    ev = np.linalg.eigvals(np.asarray(A, dtype=float))
    return ev[np.argmax(np.abs(ev))]

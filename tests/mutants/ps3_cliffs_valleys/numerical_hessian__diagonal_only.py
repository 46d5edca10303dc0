import numpy as np

EXPECT = r"mixed derivatives \(off the diagonal\) are missing"


def numerical_hessian(f, w, eps=1e-4):
    w = np.array(w, dtype=float)
    d = w.size
    E = eps * np.eye(d)
    H = np.zeros((d, d))
    for i in range(d):
        H[i, i] = (f(w + E[i]) - 2 * f(w) + f(w - E[i])) / eps**2
    return H

import numpy as np

EXPECT = r"one-sided \(forward\) differences"


def numerical_hessian(f, w, eps=1e-4):
    w = np.array(w, dtype=float)
    d = w.size
    E = eps * np.eye(d)
    f0 = f(w)
    H = np.empty((d, d))
    for i in range(d):
        for j in range(d):
            H[i, j] = (f(w + E[i] + E[j]) - f(w + E[i]) - f(w + E[j]) + f0) / eps**2
    return H

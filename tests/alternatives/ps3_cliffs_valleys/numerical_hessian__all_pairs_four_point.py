import numpy as np


def numerical_hessian(f, w, eps=1e-4):
    # the four-point formula for every (i, j), the diagonal included (steps of 2 eps there)
    w = np.asarray(w, dtype=float)
    d = w.size
    E = eps * np.eye(d)
    H = np.array([[f(w + E[i] + E[j]) - f(w + E[i] - E[j]) - f(w - E[i] + E[j]) + f(w - E[i] - E[j])
                   for j in range(d)] for i in range(d)]) / (4 * eps**2)
    return H

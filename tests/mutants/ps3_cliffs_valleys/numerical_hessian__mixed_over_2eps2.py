import numpy as np

EXPECT = r"mixed derivatives are 2 times too large"


def numerical_hessian(f, w, eps=1e-4):
    w = np.array(w, dtype=float)
    d = w.size
    E = eps * np.eye(d)
    H = np.zeros((d, d))
    for i in range(d):
        for j in range(d):
            if i == j:
                H[i, i] = (f(w + E[i]) - 2 * f(w) + f(w - E[i])) / eps**2
            else:
                H[i, j] = (f(w + E[i] + E[j]) - f(w + E[i] - E[j]) - f(w - E[i] + E[j]) + f(w - E[i] - E[j])) / (2 * eps**2)
    return H

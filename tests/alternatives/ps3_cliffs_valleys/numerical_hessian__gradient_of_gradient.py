import numpy as np


def _central_gradient(f, w, eps):
    g = np.zeros(w.size)
    for j in range(w.size):
        e = np.zeros(w.size)
        e[j] = eps
        g[j] = (f(w + e) - f(w - e)) / (2 * eps)
    return g


def numerical_hessian(f, w, eps=1e-4):
    # central differences of central differences: the diagonal uses steps of 2 eps
    w = np.asarray(w, dtype=float)
    d = w.size
    H = np.zeros((d, d))
    for i in range(d):
        e = np.zeros(d)
        e[i] = eps
        H[i] = (_central_gradient(f, w + e, eps) - _central_gradient(f, w - e, eps)) / (2 * eps)
    return (H + H.T) / 2

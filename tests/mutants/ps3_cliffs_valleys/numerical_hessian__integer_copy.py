import numpy as np

EXPECT = r"w holds integers"


def numerical_hessian(f, w, eps=1e-4):
    w = np.array(w)
    d = w.size
    H = np.zeros((d, d))
    for i in range(d):
        for j in range(d):
            pp, pm, mp, mm = w.copy(), w.copy(), w.copy(), w.copy()
            pp[i] += eps; pp[j] += eps
            pm[i] += eps; pm[j] -= eps
            mp[i] -= eps; mp[j] += eps
            mm[i] -= eps; mm[j] -= eps
            H[i, j] = (f(pp) - f(pm) - f(mp) + f(mm)) / (4 * eps**2)
    return H

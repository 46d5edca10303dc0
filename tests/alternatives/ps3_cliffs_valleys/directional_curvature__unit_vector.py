import numpy as np


def directional_curvature(H, d):
    u = np.asarray(d, dtype=float)
    u = u / np.linalg.norm(u)
    return np.einsum("i,ij,j->", u, np.asarray(H, dtype=float), u)

import numpy as np

EXPECT = r"order they come"


def distinct_minima(points, tol=1e-3):
    return np.unique(np.round(np.asarray(points, dtype=float), 3), axis=0)

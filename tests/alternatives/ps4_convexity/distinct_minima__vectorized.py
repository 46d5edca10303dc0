import numpy as np


def distinct_minima(points, tol=1e-3):
    points = np.asarray(points, dtype=float)
    kept = points[:1]
    for p in points[1:]:
        if np.min(np.sqrt(np.sum((kept - p) ** 2, axis=1))) > tol:
            kept = np.vstack([kept, p])
    return kept

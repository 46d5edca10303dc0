import numpy as np

EXPECT = r"FIRST point"


def distinct_minima(points, tol=1e-3):
    # keeps the last point of each group of near-duplicates
    points = np.asarray(points, dtype=float)
    kept = []
    for k, p in enumerate(points):
        if all(np.linalg.norm(p - q) > tol for q in points[k + 1:]):
            kept.append(p)
    return np.array(kept)

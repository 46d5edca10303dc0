import numpy as np

EXPECT = r"ANY point kept so far"


def distinct_minima(points, tol=1e-3):
    points = np.asarray(points, dtype=float)
    kept = [points[0]]
    for k in range(1, len(points)):
        if np.linalg.norm(points[k] - points[k - 1]) > tol:
            kept.append(points[k])
    return np.array(kept)

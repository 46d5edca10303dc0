import numpy as np

EXPECT = r"exactly 1.25.*distance <= tol counts"


def distinct_minima(points, tol=1e-3):
    points = np.asarray(points, dtype=float)
    kept = []
    for p in points:
        if all(np.linalg.norm(p - q) >= tol for q in kept):
            kept.append(p)
    return np.array(kept)

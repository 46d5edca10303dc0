import numpy as np


def distinct_minima(points, tol=1e-3):
    # compares with every earlier point (kept or not), by squared distance
    points = np.asarray(points, dtype=float)
    keep = [i for i in range(len(points))
            if not any(np.sum((points[i] - points[j]) ** 2) <= tol ** 2 for j in range(i))]
    return points[keep]

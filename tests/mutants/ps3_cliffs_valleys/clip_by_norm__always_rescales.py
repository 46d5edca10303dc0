import numpy as np

EXPECT = r"already no longer than max_norm and must come back unchanged"


def clip_by_norm(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    g = np.asarray(g, dtype=float)
    norm = np.linalg.norm(g)
    if norm == 0:
        return g.copy()
    return g * (max_norm / norm)

import numpy as np

EXPECT = r"zero vector has norm 0"


def clip_by_norm(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    g = np.asarray(g, dtype=float)
    norm = np.linalg.norm(g)
    return g / norm * min(norm, max_norm)

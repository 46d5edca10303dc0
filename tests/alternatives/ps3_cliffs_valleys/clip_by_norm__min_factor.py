import numpy as np


def clip_by_norm(g, max_norm):
    if max_norm <= 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    g = np.asarray(g, dtype=float)
    norm = np.sqrt(np.sum(g * g))
    if norm == 0:
        return g.copy()
    return g * min(1.0, max_norm / norm)

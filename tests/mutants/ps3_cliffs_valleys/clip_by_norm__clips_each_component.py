import numpy as np

EXPECT = r"np\.clip limits each component"


def clip_by_norm(g, max_norm):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    return np.clip(np.asarray(g, dtype=float), -max_norm, max_norm)

import numpy as np

EXPECT = r"max_norm=0\): returned .*expected it to raise ValueError"


def clip_by_norm(g, max_norm):
    g = np.array(g, dtype=float)
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g = g * (max_norm / norm)
    return g

import numpy as np

EXPECT = r"take the max, not the min"


def contraction_factor(a, b, lr):
    return min(abs(1 - 2 * a * lr), abs(1 - 2 * b * lr))

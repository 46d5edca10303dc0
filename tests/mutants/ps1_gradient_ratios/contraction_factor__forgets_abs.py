import numpy as np

EXPECT = r"take abs\(\)"


def contraction_factor(a, b, lr):
    return max(1 - 2 * a * lr, 1 - 2 * b * lr)

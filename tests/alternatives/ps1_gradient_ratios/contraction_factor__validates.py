import numpy as np


def contraction_factor(a, b, lr):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return max(abs(1 - 2 * a * lr), abs(1 - 2 * b * lr))

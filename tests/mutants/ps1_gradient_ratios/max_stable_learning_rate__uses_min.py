import numpy as np

EXPECT = r"not 1 / min\(a, b\)"


def max_stable_learning_rate(a, b):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return 1.0 / min(a, b)

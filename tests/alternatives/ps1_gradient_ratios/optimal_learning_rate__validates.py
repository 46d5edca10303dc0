import numpy as np


def optimal_learning_rate(a, b):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return 1 / (a + b)

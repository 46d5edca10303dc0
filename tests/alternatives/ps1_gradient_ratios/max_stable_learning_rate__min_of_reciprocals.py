import numpy as np


def max_stable_learning_rate(a, b):
    if min(a, b) <= 0:
        raise ValueError(f"the bowl needs a > 0 and b > 0, got a={a}, b={b}")
    return min(1 / a, 1 / b)

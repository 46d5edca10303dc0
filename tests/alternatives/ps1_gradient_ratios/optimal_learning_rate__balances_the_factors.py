import numpy as np


def optimal_learning_rate(a, b):
    # solve 1 - 2*a*lr = -(1 - 2*b*lr) for lr
    return 2.0 / (2.0 * a + 2.0 * b)

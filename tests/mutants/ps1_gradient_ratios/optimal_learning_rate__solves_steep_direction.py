import numpy as np

EXPECT = r"leaves the flat one slow"


def optimal_learning_rate(a, b):
    return 1.0 / (2 * max(a, b))

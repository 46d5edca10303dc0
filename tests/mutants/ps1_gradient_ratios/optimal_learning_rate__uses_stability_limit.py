import numpy as np

EXPECT = r"stability limit"


def optimal_learning_rate(a, b):
    return 1.0 / max(a, b)

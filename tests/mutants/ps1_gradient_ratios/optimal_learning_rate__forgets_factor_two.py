import numpy as np

EXPECT = r"curvatures are 2a and 2b"


def optimal_learning_rate(a, b):
    return 2.0 / (a + b)

import numpy as np

EXPECT = r"the step factor is 1 - 2\*a\*lr"


def contraction_factor(a, b, lr):
    return max(abs(1 - a * lr), abs(1 - b * lr))

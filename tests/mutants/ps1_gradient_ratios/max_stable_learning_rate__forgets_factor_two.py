import numpy as np

EXPECT = r"leaves \(-1, 1\) above lr = 1 / b"


def max_stable_learning_rate(a, b):
    if a <= 0 or b <= 0:
        raise ValueError("a and b must be positive")
    return 2.0 / max(a, b)

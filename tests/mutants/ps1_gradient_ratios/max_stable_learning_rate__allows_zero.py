import numpy as np

EXPECT = r"a=0, b=2 \(not a bowl\)\): returned 0\.5, expected it to raise ValueError"


def max_stable_learning_rate(a, b):
    if a < 0 or b < 0:
        raise ValueError("a and b must not be negative")
    return 1.0 / max(a, b)

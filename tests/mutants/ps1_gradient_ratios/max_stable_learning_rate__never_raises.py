import numpy as np

EXPECT = r"a=-1, b=4 \(not a bowl\)\): returned 0\.25, expected it to raise ValueError"


def max_stable_learning_rate(a, b):
    return 1.0 / max(a, b)

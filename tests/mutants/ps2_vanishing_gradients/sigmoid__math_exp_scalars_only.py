"""math.exp works on single numbers only (and overflows for z = -1e4)."""
import math

import numpy as np

EXPECT = r"raised (TypeError|OverflowError)"


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))

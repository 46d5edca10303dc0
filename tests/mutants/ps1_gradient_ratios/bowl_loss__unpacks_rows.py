import numpy as np

EXPECT = r"x, y = w takes the first two rows"


def bowl_loss(w, a=1.0, b=4.0):
    x, y = np.asarray(w, dtype=float)
    return a * x ** 2 + b * y ** 2

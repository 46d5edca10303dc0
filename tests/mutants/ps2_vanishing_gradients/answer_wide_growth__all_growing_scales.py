import numpy as np

EXPECT = r"which is not in the form asked for"


def answer_wide_growth():
    return [16, 32]

import numpy as np

EXPECT = r"not in the form asked for"


def answer_newton_cliff():
    return None

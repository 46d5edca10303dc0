import numpy as np

EXPECT = r"not in the form asked for"


def answer_multistart_minima():
    6

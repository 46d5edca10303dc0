"""Reads 9.6e-07 as 9.6e-08: the 20th root moves by more than the tolerance."""
import numpy as np

EXPECT = r"the answer 0\.44\d* is not right\. Hint: take the tanh column's median"


def answer_tanh_factor():
    return 9.6e-08 ** (1 / 20)

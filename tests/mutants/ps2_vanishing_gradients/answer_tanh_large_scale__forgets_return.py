import numpy as np

EXPECT = r"answer_tanh_large_scale\(\): the answer is None, which is not in the form asked for"


def answer_tanh_large_scale():
    "b"

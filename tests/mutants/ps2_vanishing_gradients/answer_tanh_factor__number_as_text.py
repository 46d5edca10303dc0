import numpy as np

EXPECT = r"answer_tanh_factor\(\): the answer is .0\.5., which is not in the form asked for"


def answer_tanh_factor():
    return "0.5"

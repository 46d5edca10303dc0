import numpy as np

EXPECT = r"answer_single_minimum\(\): the answer is .e., which is not in the form asked for"


def answer_single_minimum():
    return "e"

import numpy as np

EXPECT = r"answer_twin_midpoint\(\): the answer is .x., which is not in the form asked for"


def answer_twin_midpoint():
    return "x"

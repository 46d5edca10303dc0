import numpy as np

EXPECT = r"answer_zigzag_cost\(\): the answer is .e., which is not in the form asked for"


def answer_zigzag_cost():
    return "e"

import numpy as np

EXPECT = r"answer_best_activation\(\): the answer is .tanh., which is not in the form asked for"


def answer_best_activation():
    return "tanh"

import numpy as np

EXPECT = r"answer_clipped_landing\(\): the answer is .e., which is not in the form asked for"


def answer_clipped_landing():
    return "e"

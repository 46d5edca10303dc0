import numpy as np

EXPECT = r"answer_newton_cliff\(\): the answer is .a or b., which is not in the form asked for"


def answer_newton_cliff():
    return "a or b"

import numpy as np

EXPECT = r"answer_momentum_speed\(\): the answer is .momentum., which is not in the form asked for"


def answer_momentum_speed():
    return "momentum"

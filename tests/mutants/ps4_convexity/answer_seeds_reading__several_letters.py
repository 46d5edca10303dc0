import numpy as np

EXPECT = r"answer_seeds_reading\(\): the answer is .b, d., which is not in the form asked for"


def answer_seeds_reading():
    return "b, d"

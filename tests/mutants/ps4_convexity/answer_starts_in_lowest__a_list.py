import numpy as np

EXPECT = r"answer_starts_in_lowest\(\): the answer is .*, which is not in the form asked for"


def answer_starts_in_lowest():
    return []

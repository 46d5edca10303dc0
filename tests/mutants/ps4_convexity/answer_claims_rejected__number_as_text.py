import numpy as np

EXPECT = r"answer_claims_rejected\(\): the answer is .4., which is not in the form asked for"


def answer_claims_rejected():
    return "4"

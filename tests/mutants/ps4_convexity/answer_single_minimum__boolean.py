import numpy as np

EXPECT = r"not in the form asked for\. Hint: return one of the letters"


def answer_single_minimum():
    return True

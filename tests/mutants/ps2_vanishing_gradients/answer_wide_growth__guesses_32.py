import numpy as np

EXPECT = r"the answer 32 is not right\. Hint: answer with one of the five scales"


def answer_wide_growth():
    return 32

import numpy as np

EXPECT = r"not in the form asked for\. Hint: return one of the letters"


def answer_twin_midpoint():
    return 2.33

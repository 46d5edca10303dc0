import numpy as np

EXPECT = r"not in the form asked for\. Hint: return a number"


def answer_circular_steps():
    return "1"

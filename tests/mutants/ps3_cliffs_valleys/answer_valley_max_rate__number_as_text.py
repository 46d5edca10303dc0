import numpy as np

EXPECT = r"not in the form asked for\. Hint: return a number"


def answer_valley_max_rate():
    return "0.1"

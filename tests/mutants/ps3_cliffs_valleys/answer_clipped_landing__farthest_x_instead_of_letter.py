import numpy as np

EXPECT = r"not in the form asked for\. Hint: return one of the letters"


def answer_clipped_landing():
    return 1.88   # the farthest x it reached, not the letter

import numpy as np

EXPECT = r"the answer 0\.5 is not right\. Hint: find the lowest point of the drawn curve"


def answer_starts_in_lowest():
    return 0.5

import numpy as np

EXPECT = r"the answer 5 is not right\. Hint: on the circle at its best rate"


def answer_circular_steps():
    return 5

import numpy as np

EXPECT = r"the answer 0\.15 is not right\. Hint: across the valley the loss is 10 q"


def answer_valley_max_rate():
    return 0.15

import numpy as np

EXPECT = r"the answer 0\.86 is not right\. Hint: on the right panel of 7\.3"


def answer_contraction_kappa10():
    return 0.86   # misread, outside the reading tolerance

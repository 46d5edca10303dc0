import numpy as np

EXPECT = r"the answer 3 is not right\. Hint: run the claims cell and count"


def answer_claims_rejected():
    return 3

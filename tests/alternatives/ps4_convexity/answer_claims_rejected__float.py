import numpy as np


def answer_claims_rejected():
    return 4.0

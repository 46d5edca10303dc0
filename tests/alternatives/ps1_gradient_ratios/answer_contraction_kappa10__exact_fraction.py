import numpy as np


def answer_contraction_kappa10():
    return 9 / 11

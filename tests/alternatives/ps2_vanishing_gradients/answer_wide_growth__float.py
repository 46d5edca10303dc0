import numpy as np


def answer_wide_growth():
    return 16.0

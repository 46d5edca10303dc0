import numpy as np


def answer_tanh_factor():
    return 0.5

import numpy as np


def answer_single_minimum():
    return " (B) "

import numpy as np


def answer_zigzag_cost():
    return " (B) "

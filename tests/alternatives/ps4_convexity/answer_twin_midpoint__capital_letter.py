import numpy as np


def answer_twin_midpoint():
    return "C"

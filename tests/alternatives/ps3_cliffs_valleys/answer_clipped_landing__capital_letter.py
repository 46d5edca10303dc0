import numpy as np


def answer_clipped_landing():
    return "C"

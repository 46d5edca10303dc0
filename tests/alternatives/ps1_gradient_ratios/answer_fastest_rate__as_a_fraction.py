import numpy as np


def answer_fastest_rate():
    return 1 / 5

import numpy as np


def answer_valley_max_rate():
    return 2 / 20

import numpy as np


def answer_momentum_speed():
    return " (c) "

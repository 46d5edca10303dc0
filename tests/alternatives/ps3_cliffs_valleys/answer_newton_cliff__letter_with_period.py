import numpy as np


def answer_newton_cliff():
    return "b."

import numpy as np


def answer_tanh_large_scale():
    return "b."

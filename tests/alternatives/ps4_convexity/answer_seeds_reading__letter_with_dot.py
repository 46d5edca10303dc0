import numpy as np


def answer_seeds_reading():
    return "b."

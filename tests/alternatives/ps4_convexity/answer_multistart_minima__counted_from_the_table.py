import numpy as np


def answer_multistart_minima():
    table = [-3.955, -3.054, -0.474, 1.060, 2.215, 4.850]   # the w column of the printed table
    return len(table)

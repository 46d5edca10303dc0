import numpy as np


def _remember_everything():
    history = []
    while True:
        history.append(np.zeros(12_500_000))     # 100 MB at a time


_remember_everything()

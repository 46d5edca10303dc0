import numpy as np


def direction_reversals(path, axis):
    path = np.asarray(path)
    count = 0
    for k in range(len(path) - 2):
        s0 = path[k + 1, axis] - path[k, axis]
        s1 = path[k + 2, axis] - path[k + 1, axis]
        if s0 * s1 < 0:
            count += 1
    return count

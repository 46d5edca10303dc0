"""A student's own style (the planted pair's original, see classgen.plant_copy):
a flat copy perturbed one entry at a time, both sides evaluated on fresh copies."""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    base_point = np.array(x, dtype=float)
    flat_base = base_point.ravel().copy()
    slopes = np.zeros(flat_base.size)
    for position in range(flat_base.size):
        upper = flat_base.copy()
        lower = flat_base.copy()
        upper[position] += eps
        lower[position] -= eps
        value_up = float(f(upper.reshape(base_point.shape)))
        value_down = float(f(lower.reshape(base_point.shape)))
        slopes[position] = (value_up - value_down) / (eps + eps)
    return slopes.reshape(base_point.shape)

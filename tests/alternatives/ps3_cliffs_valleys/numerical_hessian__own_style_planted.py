"""A student's own style (the planted pair's original, see classgen.plant_copy):
a helper that evaluates f at w shifted by two scaled basis vectors."""
import numpy as np


def numerical_hessian(f, w, eps=1e-4):
    point = np.array(w, dtype=float)
    size = point.size
    unit = np.identity(size)

    def shifted(first, sign_a, second, sign_b):
        moved = point + sign_a * eps * unit[first] + sign_b * eps * unit[second]
        return float(f(moved))

    centre = float(f(point))
    result = np.zeros((size, size))
    for row in range(size):
        plus = float(f(point + eps * unit[row]))
        minus = float(f(point - eps * unit[row]))
        result[row, row] = (plus - 2.0 * centre + minus) / (eps * eps)
        for col in range(row):
            mixed = (shifted(row, 1, col, 1) - shifted(row, 1, col, -1)
                     - shifted(row, -1, col, 1) + shifted(row, -1, col, -1))
            result[row, col] = mixed / (4.0 * eps * eps)
            result[col, row] = result[row, col]
    return result

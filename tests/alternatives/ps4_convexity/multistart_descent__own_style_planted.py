"""A student's own style (the planted pair's original, see classgen.plant_copy):
each start run in a helper, the finals collected into a list and stacked."""
import numpy as np


def multistart_descent(grad_fn, starts, lr, n_steps):
    starting_points = np.asarray(starts, dtype=float)

    def run_one(initial):
        position = np.array(initial, dtype=float)
        for iteration in range(int(n_steps)):
            direction = np.asarray(grad_fn(position), dtype=float)
            position = position - lr * direction
        return position

    end_points = [run_one(row) for row in starting_points]
    if not end_points:
        return np.empty_like(starting_points)
    return np.vstack(end_points).reshape(starting_points.shape)

"""A student's own style (the planted pair's original, see classgen.plant_copy):
a list of points grown step by step, the step size checked, the copy made explicit."""
import numpy as np


def gradient_descent(grad_fn, w0, lr, n_steps):
    current_point = np.array(w0, dtype=float).copy()
    visited_points = [current_point.copy()]
    step_counter = 0
    while step_counter < int(n_steps):
        slope_here = np.asarray(grad_fn(current_point), dtype=float)
        next_point = current_point - lr * slope_here
        visited_points.append(next_point.copy())
        current_point = next_point
        step_counter += 1
    stacked = np.stack(visited_points, axis=0)
    return stacked.reshape((int(n_steps) + 1,) + np.shape(w0))

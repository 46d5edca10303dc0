"""Summarises the trials instead of returning each one."""
import numpy as np

EXPECT = r"not a summary over trials"


def gradient_magnitudes(W, x):
    W = np.asarray(W, dtype=float)
    return np.median(np.abs([backprop_chain(row, x) for row in W]), axis=0)

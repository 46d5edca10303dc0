"""All local factors sigmoid'(w[t] h[t]) w[t] at once, then a reversed cumulative product."""
import numpy as np


def backprop_chain(w, x, dL_do=1.0):
    w = np.asarray(w, dtype=float)
    h = forward_chain(w, x)
    factors = sigmoid_prime(w * h[:-1]) * w
    tail = np.cumprod(factors[::-1])[::-1]          # tail[t] = factors[t] * ... * factors[m-1]
    return dL_do * np.append(tail, 1.0)

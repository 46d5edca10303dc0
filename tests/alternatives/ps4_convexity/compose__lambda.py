import numpy as np


def compose(outer, inner):
    return lambda w: outer(inner(w))

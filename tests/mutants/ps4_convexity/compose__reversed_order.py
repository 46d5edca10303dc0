import numpy as np

EXPECT = r"call 1 of the returned function is 19, expected 49"


def compose(outer, inner):
    return lambda w: inner(outer(w))

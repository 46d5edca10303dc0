import numpy as np

EXPECT = r"raised TypeError"


def compose(outer, inner):
    return outer(inner)

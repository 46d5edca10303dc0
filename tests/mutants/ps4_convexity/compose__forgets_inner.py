import numpy as np

EXPECT = r"returned function.*inner is applied first"


def compose(outer, inner):
    return outer

import sys

sys.setrecursionlimit(20_000)


def _descend(depth):
    if depth == 0:
        raise RuntimeError("reached the bottom")
    return _descend(depth - 1) + 1


_descend(10_000)      # a 10,000-frame traceback

raise SystemExit("I will finish this later")


def numerical_gradient(f, x, eps=1e-6):
    """Central differences (never defined: the cell stops above)."""
    return 0.0

def numerical_gradient(f, x, eps=1e-6):
    """Central differences of f at x."""
    i = 0
    while i < 10:          # forgot to increment i
        pass

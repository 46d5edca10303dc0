def chain_jacobian(Ws, x):
    """Raises KeyboardInterrupt itself."""
    raise KeyboardInterrupt

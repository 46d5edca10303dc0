def jacobian_power_norms(J, n):
    """Raises an error whose message has 10,000 lines."""
    raise ValueError("\n".join(f"line {i}: not implemented" for i in range(10_000)))

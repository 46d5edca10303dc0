raise ValueError("\n".join(f"line {i} of a very long error message" for i in range(10_000)))

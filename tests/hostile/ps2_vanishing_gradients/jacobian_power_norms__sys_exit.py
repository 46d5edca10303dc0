import sys


def jacobian_power_norms(J, n):
    """Stops the program instead of raising."""
    sys.exit("not done yet")

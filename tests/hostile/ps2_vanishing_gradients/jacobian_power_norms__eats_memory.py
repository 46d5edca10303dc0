import numpy as np


def jacobian_power_norms(J, n):
    """Keeps every power of a huge matrix: memory grows until it runs out."""
    kept = []
    while True:
        kept.append(np.zeros(12_500_000))     # 100 MB each

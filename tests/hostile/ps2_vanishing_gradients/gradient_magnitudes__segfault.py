import ctypes


def gradient_magnitudes(W, x):
    """Reads memory at address 0: the kernel process crashes (segmentation fault)."""
    return ctypes.string_at(0)

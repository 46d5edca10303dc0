# depthlab-sandbox-kernel
"""The fork server's part of the kernel bootstrap (see ``sandbox_boot.py`` and ``forkserver.py``).

Not imported by depthlab: the fork server runs this file's text followed by
``sandbox_boot.py``'s as ``python -S -c`` (this part first, so the functions are
defined when the bootstrap's last lines call them; they use its helpers, which
exist by then).  Standard library only.
"""
import ctypes
import json
import os
import sys

# --------------------------------------------------------------------------- the fork server
CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID = 0x20000, 0x08000000, 0x10000000, 0x20000000


def serve(fd, cfg):
    """Import what every kernel needs, then fork a child for each request on the socket
    ``fd`` (a message: the path of that kernel's configuration, with its lifeline pipe
    attached); tell the grader each child's pid and, when it ends, how it ended.
    Returns only in a child, with that kernel's configuration."""
    import importlib
    import select
    import signal
    import socket
    # no parent-death signal here: it would come when the *thread* that started the server
    # ends; the server ends when the grader's end of the socket closes (even killed)
    for name in cfg["preload"]:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    # jupyter_client looks up this machine's addresses (psutil) when a kernel reads its
    # connection file: once here, not in every kernel
    interfaces = sys.modules.get("jupyter_client.localinterfaces")
    if interfaces is not None:
        interfaces.localhost()
    sock = socket.socket(fileno=fd)
    wake_r, wake_w = os.pipe()
    for end in (wake_r, wake_w):
        os.set_blocking(end, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)

    def send(obj):
        sock.send(json.dumps(obj).encode())

    # a fork copies only the calling thread: a server with more threads cannot serve
    send({"ready": os.getpid(), "threads": len(os.listdir("/proc/self/task"))})
    while True:
        readable = select.select([sock, wake_r], [], [])[0]
        if wake_r in readable:
            try:
                os.read(wake_r, 512)
            except OSError:
                pass
            while True:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                send({"exit": pid, "code": os.waitstatus_to_exitcode(status)})
        if sock not in readable:
            continue
        data, fds, _flags, _addr = socket.recv_fds(sock, 4096, 4)
        if not data:   # the grader closed its end, or ended (even killed): so does the server
            import shutil
            shutil.rmtree(cfg["base"], ignore_errors=True)
            os._exit(0)
        try:
            pid = os.fork()
        except OSError as exc:
            send({"error": "fork: %s" % exc})
            pid = -1
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sock.close()
            os.close(wake_r)
            os.close(wake_w)
            with open(data.decode()) as fh:
                child = json.load(fh)
            child["lifeline"] = fds[0] if fds else None
            return child
        for extra in fds:
            os.close(extra)
        if pid > 0:
            send({"pid": pid})


def _rewrite_own(field, old, new):
    """Overwrite ``old`` with ``new`` (same length) in this process's original argument
    (field 48) or environment (field 50) block, which is what others read in
    /proc/PID/cmdline and /proc/PID/environ: a forked child is told apart from its
    server, and found by its own token."""
    with open("/proc/self/stat", "rb") as fh:
        fields = fh.read().rsplit(b")", 1)[1].split()
    start, end = int(fields[field - 3]), int(fields[field - 2])
    with open("/proc/self/%s" % ("cmdline" if field == 48 else "environ"), "rb") as fh:
        block = fh.read()[:end - start]
    at = block.find(old)
    if at >= 0 and len(old) == len(new):
        ctypes.memmove(start + at, new, len(new))


def forked_child(cfg):
    """A child of the fork server becomes a fresh process of its own before anything else."""
    os.setsid()
    LIBC.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    devnull = os.open("/dev/null", os.O_RDWR)
    err = os.open(cfg["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600) if cfg.get("log") else devnull
    for target, source in ((0, devnull), (1, devnull), (2, err)):
        os.dup2(source, target)
    keep = cfg["lifeline"] if cfg.get("lifeline") is not None else 2
    os.closerange(3, keep)
    os.closerange(keep + 1, max(os.sysconf("SC_OPEN_MAX"), 1 << 16))   # the server's socket, its files
    _rewrite_own(48, b"\0--serve\0", b"\0--child\0")
    env = cfg["env"]
    token = env.get("DEPTHLAB_SANDBOX_TOKEN", "")
    _rewrite_own(50, b"DEPTHLAB_SANDBOX_TOKEN=" + b"0" * len(token), ("DEPTHLAB_SANDBOX_TOKEN=" + token).encode())
    os.environ.clear()
    os.environ.update(env)
    for name, reseed in (("random", "seed"), ("numpy.random", "seed")):
        module = sys.modules.get(name)
        if module is not None:
            getattr(module, reseed)()
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        tempfile.tempdir = None
    mpl = sys.modules.get("matplotlib")
    for name in ("get_configdir", "get_cachedir"):
        cached = getattr(mpl, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    sys.argv[1:] = ["-f", cfg["connection"]] + list(cfg["kernel_args"])


def enter_namespaces(cfg):
    """What ``unshare --mount --pid --fork --kill-child --mount-proc --ipc [--map-root-user]``
    does: new namespaces; this process stays outside as the launcher, waits for the
    kernel (PID 1 inside) and ends as it ended."""
    import signal
    uid, gid = os.getuid(), os.getgid()
    user = os.geteuid() != 0
    if LIBC.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (CLONE_NEWUSER if user else 0)) != 0:
        _fail("unshare")
    if user:
        for name, text in (("setgroups", "deny"), ("uid_map", "0 %d 1" % uid), ("gid_map", "0 %d 1" % gid)):
            with open("/proc/self/" + name, "w") as fh:
                fh.write(text)
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    pid = os.fork()
    if pid == 0:
        LIBC.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
        mount(None, "/proc", None, MS_REC | MS_PRIVATE)
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        return
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # an interrupt is for the kernel
    if cfg.get("lifeline") is not None:
        os.close(cfg["lifeline"])
    while True:
        try:
            status = os.waitpid(pid, 0)[1]
            break
        except ChildProcessError:
            os._exit(70)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 70)

# depthlab-sandbox-kernel
"""The first code every grading kernel runs, before any student code.

Not imported by depthlab: the grader passes this file's text to ``python -S -c``
with the path of its JSON configuration as the first argument (see ``kernel.py``), so the
kernel never needs to read a file of ours.  It builds the kernel's view of the
machine at the configured level (see ``sandbox.py``), drops privileges, sets the
resource limits, installs the import blocker and starts ipykernel.  Standalone
on purpose: standard library only.

The same text also runs as a **fork server** (``--serve FD``): it imports what
every kernel imports (ipykernel, numpy, matplotlib, the assignment's setup
imports) once, then forks one child per kernel asked for on the socket ``FD``.
Each child leaves the server's state behind (its own session, no inherited file
but its lifeline, fresh random seeds, its own token and home), enters its own
namespaces where the level has them (as ``unshare`` would: a launcher process
outside, the kernel as PID 1 inside), and then goes through exactly the steps
above.  The server itself runs no student code and never imports depthlab or
the reference.
"""
import ctypes
import json
import os
import sys

#: ``--serve FD``: this process is a fork server (see ``forkserver.py``), not a kernel
SERVE_FD = None
if sys.argv[1] == "--serve":
    SERVE_FD = int(sys.argv[2])
    del sys.argv[1:3]
with open(sys.argv.pop(1)) as _fh:   # written by the grader into a folder only it writes
    CFG = json.load(_fh)
sys.path[:] = [p for p in sys.path if p and "site-packages" not in p and "dist-packages" not in p] + CFG["site"]
# A grading kernel has no debugger: ipykernel would import debugpy (most of a warm kernel's
# start-up CPU, cProfile) and open a socket for it.  A None entry makes that import fail as
# if debugpy were absent.
sys.modules.setdefault("debugpy", None)
LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
LIBC.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYS_MOUNT_SETATTR = 442


def _fail(what):
    err = ctypes.get_errno()
    raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def mount(src, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None
    if LIBC.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
        _fail("mount %s" % target)


class _MountAttr(ctypes.Structure):
    _fields_ = [("set", ctypes.c_uint64), ("clr", ctypes.c_uint64), ("prop", ctypes.c_uint64),
                ("userns", ctypes.c_uint64)]


def readonly(path, recursive=True):
    """Make the mount at ``path`` read-only (mount_setattr, Linux >= 5.12; else a
    bind remount, which is not recursive)."""
    attr = _MountAttr(1, 0, 0, 0)   # MOUNT_ATTR_RDONLY
    if LIBC.syscall(SYS_MOUNT_SETATTR, -100, path.encode(), 0x8000 if recursive else 0,
                    ctypes.byref(attr), ctypes.sizeof(attr)) == 0:
        return
    mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _mountpoint(target, like):
    if os.path.isdir(like):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()


def new_root(cfg):
    """Build the kernel's root file system from the allow-list and pivot into it."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = cfg["newroot"]
    conn_text = open(cfg["connection"], "rb").read()
    results_fd = os.open(cfg["results"], os.O_PATH)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    # a private /tmp first: what is bound below may live under /tmp (a checkout and
    # its virtualenv in a temporary folder), and a later /tmp mount would cover it
    os.makedirs(root + "/tmp", exist_ok=True)
    mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
    # read-only binds of exactly what the kernel needs, parents before children
    for path in cfg["read"]:
        target = root + path
        if os.path.islink(path):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.lexists(target):
                os.symlink(os.readlink(path), target)
            continue
        _mountpoint(target, path)
        mount(path, target, None, MS_BIND | MS_REC)
        readonly(target)
    for path in cfg["masked"]:
        target = root + path
        if os.path.isdir(target):
            mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k,mode=0555")
        elif os.path.exists(target):
            mount("/dev/null", target, None, MS_BIND)
            readonly(target, recursive=False)
    os.makedirs(root + "/dev", exist_ok=True)
    mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for dev, _writable in cfg["devices"]:
        _mountpoint(root + dev, dev)
        mount(dev, root + dev, None, MS_BIND)
    os.makedirs(root + "/dev/shm")
    mount("tmpfs", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, root + "/dev/" + name)
    os.makedirs(root + "/proc", exist_ok=True)
    try:
        mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        mount("/proc", root + "/proc", None, MS_BIND | MS_REC)
    # the scratch folder: a size-limited tmpfs at the path the kernel knows as its home
    home = cfg["home"]
    os.makedirs(root + home, exist_ok=True)
    mount("tmpfs", root + home, "tmpfs", MS_NOSUID | MS_NODEV, "size=%dk,mode=0700" % cfg["scratch_kb"])
    for sub in cfg["home_dirs"]:
        os.makedirs(root + sub, exist_ok=True)
    os.makedirs(os.path.dirname(root + cfg["connection"]), exist_ok=True)
    with open(root + cfg["connection"], "wb") as fh:   # only this kernel's processes live here
        fh.write(conn_text)
    os.chmod(root + cfg["connection"], 0o644)
    open(root + cfg["results"], "a").close()
    mount("/proc/self/fd/%d" % results_fd, root + cfg["results"], None, MS_BIND)
    os.close(results_fd)
    # the old root goes away entirely
    os.chdir(root)
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None or LIBC.syscall(number, b".", b".") != 0:
        _fail("pivot_root")
    if LIBC.umount2(b".", MNT_DETACH) != 0:
        _fail("umount old root")
    os.chdir("/")
    readonly("/", recursive=False)


def own_home(cfg, uid, gid):
    home = cfg["home"]
    for folder, _dirs, files in os.walk(home):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            os.chown(name, uid, gid)
    os.chmod(home, 0o700)
    if cfg["level"] == "landlock":   # the host's file, in a folder only the grader writes
        os.chown(cfg["connection"], uid, gid)
        os.chmod(cfg["connection"], 0o600)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("fd", ctypes.c_int32)]


class _NetPort(ctypes.Structure):
    _fields_ = [("allowed", ctypes.c_uint64), ("port", ctypes.c_uint64)]


# Landlock access rights (linux/landlock.h)
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_FS_V1 = (1 << 13) - 1
LL_REFER, LL_TRUNCATE, LL_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
LL_BIND_TCP, LL_CONNECT_TCP = 1, 2
LL_SCOPE_ABSTRACT_UNIX, LL_SCOPE_SIGNAL = 1, 2


def landlock(ll):
    """Restrict this process (and all it starts) to the allow-list, for good."""
    abi = ll["abi"]
    fs = LL_FS_V1 | (LL_REFER if abi >= 2 else 0) | (LL_TRUNCATE if abi >= 3 else 0) | \
        (LL_IOCTL_DEV if abi >= 5 else 0)
    net = (LL_BIND_TCP | LL_CONNECT_TCP) if abi >= 4 else 0
    scoped = (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL) if abi >= 6 else 0
    attr = _RulesetAttr(fs, net, scoped)
    size = 24 if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = LIBC.syscall(444, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        _fail("landlock_create_ruleset")
    read = LL_EXECUTE | LL_READ_FILE | LL_READ_DIR
    file_only = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | (LL_TRUNCATE if abi >= 3 else 0) | \
        (LL_IOCTL_DEV if abi >= 5 else 0)

    def allow(path, rights):
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            return
        try:
            if not os.path.isdir(path):
                rights &= file_only
            rule = _PathBeneath(rights, fd)
            if LIBC.syscall(445, ruleset, 1, ctypes.byref(rule), 0) != 0:
                _fail("landlock_add_rule %s" % path)
        finally:
            os.close(fd)

    for path in ll["read"]:
        allow(path, read)
    for path in ll["list"]:
        allow(path, LL_READ_DIR)
    for path in ll["write"]:
        allow(path, fs)
    for dev, writable in ll["devices"]:
        allow(dev, LL_READ_FILE | (LL_WRITE_FILE | (LL_TRUNCATE if abi >= 3 else 0) if writable else 0))
    if net:
        for port in ll["ports"]:
            rule = _NetPort(LL_BIND_TCP, port)
            if LIBC.syscall(445, ruleset, 2, ctypes.byref(rule), 0) != 0:
                _fail("landlock_add_rule port %d" % port)
    if LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        _fail("no_new_privs")
    if LIBC.syscall(446, ruleset, 0) != 0:
        _fail("landlock_restrict_self")
    os.close(ruleset)


def drop_privileges(cfg):
    if cfg["drop_to"]:
        uid, gid = cfg["drop_to"]
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    elif cfg["drop_caps"]:
        # user-namespace root, or root whose Python only root can read: give up every
        # capability for good (an exec cannot bring them back: the bounding set is empty,
        # and root is no longer special: SECBIT_NOROOT, locked)
        LIBC.prctl(28, 0x3, 0, 0, 0)
        for cap in range(64):
            LIBC.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

        class _Hdr(ctypes.Structure):
            _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

        class _Data(ctypes.Structure):
            _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                        ("inheritable", ctypes.c_uint32)]
        if LIBC.capset(ctypes.byref(_Hdr(0x20080522, 0)), ctypes.byref((_Data * 2)())) != 0:
            _fail("capset")
    LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    LIBC.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)


def lifeline(fd):
    """The grader holds the other end of this pipe: when it exits, even killed, the
    read returns and the kernel (and, as the PID namespace's first process, every
    process it started) goes with it."""
    import threading
    read, exit_now = os.read, os._exit   # this module's globals are gone by the time it returns

    def watch():
        try:
            while read(fd, 64):
                pass
        except OSError:
            pass
        exit_now(70)
    threading.Thread(target=watch, name="depthlab-lifeline", daemon=True).start()


def limits(cfg):
    import resource
    if cfg["memory"]:
        resource.setrlimit(resource.RLIMIT_AS, (cfg["memory"], cfg["memory"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (cfg["fsize"], cfg["fsize"]))
    if cfg["nproc"]:
        resource.setrlimit(resource.RLIMIT_NPROC, (cfg["nproc"], cfg["nproc"]))


class _DepthlabBlocker:
    """Refuses imports of the grading packages and remembers that it was asked
    (the probe finds it by this class name and reads ``attempts``)."""

    attempts = []
    reached = []   # "open /path", "list /path", "signal process 12": see watch_reach
    armed = False

    def __init__(self, blocked):
        self.blocked = tuple(blocked)

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            if len(self.attempts) < 100:
                self.attempts.append(name[:200])
            raise ModuleNotFoundError("%s is not available while grading" % name, name=name)
        return None


#: audit events that name a path (first argument) or a process (os.kill, os.killpg)
PATH_EVENTS = {"open": "open", "os.listdir": "list", "os.scandir": "list", "os.chdir": "chdir",
               "os.mkdir": "write", "os.remove": "write", "os.rmdir": "write", "os.rename": "write",
               "os.symlink": "write", "os.link": "write", "os.truncate": "write", "os.chmod": "write",
               "os.chown": "write", "os.utime": "write"}


def watch_reach(blocker, cfg):
    """Remember where the student's code tried to reach beyond its view (an audit
    hook, which Python code cannot remove): the sandbox denies it anyway; this only
    lets the grader say what was tried.  Paths under the system's own folders, the
    Python, the kernel's home and its own /proc entries are not remembered."""
    getcwd, getpid, join, normpath, fspath = os.getcwd, os.getpid, os.path.join, os.path.normpath, os.fspath
    quiet = tuple(p.rstrip("/") + "/" for p in cfg["read"] + [cfg["home"], "/usr", "/etc", "/lib", "/lib64",
                                                               "/sys", "/dev", "/proc/self", "/proc/thread-self"])
    quiet_exact = {p.rstrip("/") for p in quiet} | {"/proc/self", "/dev/null"}
    seen = blocker.reached
    events = dict(PATH_EVENTS)   # this module's globals are gone by the time the hook runs

    def hook(event, args):
        if not blocker.armed:   # ipykernel's own start-up; the probe arms it before any student code
            return
        try:
            kind = events.get(event)
            if kind is None and event not in ("os.kill", "os.killpg"):
                return
            if kind is None:
                pid = int(args[0])
                if pid != getpid() and pid != 0 and len(seen) < 50:
                    text = "signal %s %d" % ("process" if event == "os.kill" else "group", pid)
                    if text not in seen:
                        seen.append(text)
                return
            if not args or isinstance(args[0], int):
                return
            path = fspath(args[0])
            if isinstance(path, bytes):
                path = path.decode("utf-8", "replace")
            path = normpath(join(getcwd(), path))
            if path in quiet_exact or path.startswith(quiet) or path.startswith("/proc/%d/" % getpid()):
                return
            if kind == "open" and len(args) > 1 and any(c in str(args[1]) for c in "wax+"):
                kind = "write"
            text = "%s %s" % (kind, path[:200])
            if text not in seen and len(seen) < 50:
                seen.append(text)
        except Exception:
            pass
    sys.addaudithook(hook)


def main(cfg):
    level = cfg["level"]
    if level == "namespace":
        new_root(cfg)
    if level != "none":
        uid, gid = cfg["drop_to"] or (os.getuid(), os.getgid())
        own_home(cfg, uid, gid)
    limits(cfg)
    if level != "none":
        drop_privileges(cfg)
        if cfg.get("landlock"):
            ll = dict(cfg["landlock"])
            ll["read"] = ll["read"] + [cfg["connection"]]
            conn = json.load(open(cfg["connection"]))
            ll["ports"] = [int(conn[k]) for k in ("shell_port", "iopub_port", "stdin_port", "control_port",
                                                  "hb_port") if conn.get(k)]
            landlock(ll)
    os.chdir(cfg["workdir"])
    if cfg.get("lifeline") is not None:
        lifeline(cfg["lifeline"])
    blocker = _DepthlabBlocker(cfg["blocked"])
    sys.meta_path.insert(0, blocker)
    if level != "none":
        watch_reach(blocker, cfg)


if SERVE_FD is not None:
    CFG = serve(SERVE_FD, CFG)   # returns in each forked child, with that kernel's configuration
    forked_child(CFG)
    if CFG["level"] == "namespace":
        enter_namespaces(CFG)
main(CFG)
# nothing of this file stays in the namespace the student's code may look at
for _name in [n for n in globals() if not n.startswith("__")]:
    del globals()[_name]
del _name
from ipykernel.kernelapp import launch_new_instance  # noqa: E402
launch_new_instance()

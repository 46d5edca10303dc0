#!/usr/bin/python3
"""Run a command the way Gradescope's Docker container would: under a reproduction
of Docker's default seccomp profile, with Docker's default capabilities.

    /usr/bin/python3 scripts/seccomp_run.py [--deny-landlock] [--keep-capabilities] -- COMMAND [ARG...]

Gradescope runs ``/autograder/run_autograder`` as root in a Docker container.
Docker is not available here, but its confinement of system calls is: this
script loads a seccomp filter with Debian's ``python3-seccomp`` (libseccomp's
own Python binding, so no BPF is written by hand here; it exists for Debian's
``/usr/bin/python3`` only, install it with ``scripts/install-system-packages.sh``),
drops the capabilities Docker does not grant, and ``exec``s the command.  The
filter and the capability set are inherited by every process the command starts.

What is reproduced, from moby's ``profiles/seccomp/default.json`` (read at
commit 00f3d189e420d485e42d15fe494f96d272284e0e,
https://github.com/moby/moby/blob/master/profiles/seccomp/default.json):
that profile is an allow-list (``defaultAction: SCMP_ACT_ERRNO``,
``defaultErrnoRet: 1``), and a container without CAP_SYS_ADMIN (Docker's
default) gets

- EPERM for ``unshare``, ``setns``, ``mount``, ``umount2``, ``pivot_root`` and the
  new mount API (``mount_setattr``, ``open_tree``, ``move_mount``, ``fsopen``,
  ``fsconfig``, ``fsmount``, ``fspick``): no new namespaces, no mounts;
- EPERM for ``clone`` with any CLONE_NEW* flag (the profile allows ``clone``
  only when ``flags & 0x7E020000 == 0``) and ENOSYS for ``clone3`` (errnoRet 38,
  so that glibc falls back to ``clone``);
- EPERM for what is outside the allow-list or needs a capability Docker does
  not grant: the kernel keyring (``keyctl``, ``add_key``, ``request_key``),
  ``bpf``, ``perf_event_open``, ``userfaultfd``, ``kexec_*``, modules, ``reboot``,
  ``swapon``/``swapoff``, ``acct``, clock setting, ``syslog``, ``quotactl``,
  ``lookup_dcookie``, ``kcmp``, ``pidfd_getfd``, ``process_madvise``,
  ``open_by_handle_at``, ``iopl``/``ioperm``, ``vhangup``, NUMA memory policy,
  ``fanotify_init``, ``sethostname``/``setdomainname``, and ``socket(AF_VSOCK)``.

Allowed, as in Docker's profile: ``landlock_create_ruleset``,
``landlock_add_rule``, ``landlock_restrict_self`` (in the allow-list since
Docker 23; older Dockers deny them: ``--deny-landlock`` reproduces those),
``seccomp``, ``prctl``, ``ptrace`` and ``process_vm_*`` (allowed there on
kernels >= 4.8), ``chroot`` (Docker grants CAP_SYS_CHROOT), ``kill``.

Not reproduced: this filter allows by default where Docker denies by
default, so a system call missing from both lists above and from Docker's
allow-list (none that Python, Jupyter or a sandbox uses) passes here;
``personality`` is not narrowed to Docker's five values; Docker's masked
``/proc`` paths, its read-only ``/proc/sys`` and its AppArmor profile.

Capabilities: unless ``--keep-capabilities``, the bounding set is cut to
Docker's default set (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW,
SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL,
AUDIT_WRITE), so root in the command has those and no others, as root in a
container does.  no_new_privs stays off, as in a container started without
``--security-opt no-new-privileges``.
"""
from __future__ import annotations

import argparse
import ctypes
import errno
import os
import shutil
import sys

#: EPERM in a default Docker container (see the module docstring for where each group comes from)
DENIED = (
    # namespaces and mounts (CAP_SYS_ADMIN group, pivot_root: not in the allow-list)
    "unshare", "setns", "mount", "umount2", "pivot_root",
    "mount_setattr", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
    # not in the allow-list
    "keyctl", "add_key", "request_key", "userfaultfd", "kexec_load", "kexec_file_load",
    "swapon", "swapoff", "uselib", "ustat", "sysfs", "nfsservctl",
    # allowed only with capabilities Docker does not grant by default
    "bpf", "perf_event_open", "fanotify_init", "lookup_dcookie", "quotactl", "quotactl_fd",
    "sethostname", "setdomainname", "syslog",
    "reboot", "init_module", "finit_module", "delete_module", "acct",
    "kcmp", "pidfd_getfd", "process_madvise", "iopl", "ioperm",
    "settimeofday", "clock_settime", "vhangup",
    "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node",
    "open_by_handle_at",
)
LANDLOCK = ("landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self")
#: CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
CLONE_NEW_FLAGS = (0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
AF_VSOCK = 40
#: Docker's default capabilities (moby's oci/caps/defaults.go), by number (linux/capability.h)
DOCKER_CAPS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_FSETID": 4, "CAP_KILL": 5,
    "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_NET_BIND_SERVICE": 10, "CAP_NET_RAW": 13,
    "CAP_SYS_CHROOT": 18, "CAP_MKNOD": 27, "CAP_AUDIT_WRITE": 29, "CAP_SETFCAP": 31,
}
PR_CAPBSET_DROP = 24
PR_CAPBSET_READ = 23

INSTALL_HINT = ("python3-seccomp is missing: run `sh scripts/install-system-packages.sh` (apt-get install "
                "python3-seccomp, as root or with passwordless sudo). It is Debian's binding of libseccomp and "
                "loads only into Debian's own /usr/bin/python3, so run this script with /usr/bin/python3.")


def build_filter(deny_landlock: bool = False):
    """The seccomp filter (not loaded yet) and the names libseccomp did not know."""
    try:
        import seccomp
    except ImportError:
        raise SystemExit(f"seccomp_run: {INSTALL_HINT}") from None
    flt = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    # as in a container: no_new_privs is not set (root with CAP_SYS_ADMIN may load a filter without it)
    flt.set_attr(seccomp.Attr.CTL_NNP, 0)
    unknown = []

    def rule(action, name, *args):
        try:
            seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)
        except (ValueError, RuntimeError):
            unknown.append(name)
            return
        flt.add_rule(action, name, *args)

    for name in DENIED + (LANDLOCK if deny_landlock else ()):
        rule(seccomp.ERRNO(errno.EPERM), name)
    for flag in CLONE_NEW_FLAGS:   # libseccomp ORs rules: EPERM when any CLONE_NEW* bit is set
        rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    rule(seccomp.ERRNO(errno.EPERM), "socket", seccomp.Arg(0, seccomp.EQ, AF_VSOCK))
    return flt, unknown


def drop_capabilities() -> None:
    """Cut the bounding set to Docker's default capabilities: after ``exec``, root
    has those and no others (its permitted set is the bounding set)."""
    libc = ctypes.CDLL(None, use_errno=True)
    keep = set(DOCKER_CAPS.values())
    cap = 0
    while libc.prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0:   # every capability this kernel knows
        if cap not in keep and libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise SystemExit(f"seccomp_run: cannot drop capability {cap}: {os.strerror(err)} "
                             "(dropping capabilities needs root)")
        cap += 1


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description="Run COMMAND under a reproduction of Docker's default seccomp profile and capabilities "
                    "(what Gradescope's autograder container runs under).")
    parser.add_argument("--deny-landlock", action="store_true",
                        help="also deny the landlock_* system calls, as Docker before version 23 does")
    parser.add_argument("--keep-capabilities", action="store_true",
                        help="keep this process's capabilities instead of Docker's default set")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run (after --)")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given: seccomp_run.py [options] -- COMMAND [ARG...]")
    exe = shutil.which(command[0])
    if exe is None:
        raise SystemExit(f"seccomp_run: command not found: {command[0]}")
    flt, unknown = build_filter(args.deny_landlock)
    if unknown:
        print(f"seccomp_run: this libseccomp does not know {', '.join(unknown)}; those calls are not filtered",
              file=sys.stderr)
    if not args.keep_capabilities:
        if os.geteuid() != 0:
            raise SystemExit("seccomp_run: Docker's capability set can only be reproduced as root; "
                             "run as root or pass --keep-capabilities")
    flt.load()   # before the capabilities go: without no_new_privs, loading a filter needs CAP_SYS_ADMIN
    if not args.keep_capabilities:
        drop_capabilities()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(exe, command)


if __name__ == "__main__":
    main()

"""What a student's kernel can reach at each isolation level (issue 12).

These tests start real sandboxed kernels and ask, from inside, for what a student
who reads the file system would want: the course, the reference, the grading
packages, other kernels' folders, the grader's processes.  They also run the
real ``depthlab`` command under a reproduction of Docker's default seccomp
profile (``scripts/seccomp_run.py``), where namespaces are forbidden, to check
that ``auto`` then gives ``landlock``, and that with Landlock forbidden too
grading refuses with a message instead of running unisolated.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from depthlab.judge import sandbox
from depthlab.judge.kernel import SandboxKernel
from depthlab.paths import course_root, release_notebook

ROOT = course_root()
BIN = Path(sys.executable).parent
SECCOMP_RUN = ROOT / "scripts" / "seccomp_run.py"
A = "ps2_vanishing_gradients"


def test_the_view_is_an_allow_list_without_the_course_or_the_reference():
    """The kernel's view names the Python and system libraries only: no folder of
    the course (bar the virtualenv when it lives there), never the course root, /tmp
    or the home folder, and depthlab's install records are taken out of it."""
    view = sandbox.kernel_view()
    venv = os.path.realpath(sys.prefix)
    for path in view.read:
        assert path not in ("/", "/tmp", "/home", "/root", "/work", "/opt", "/srv", "/var", str(ROOT)), path
        if sandbox._inside(path, str(ROOT)):
            assert sandbox._inside(path, venv), f"{path} is inside the course but not its virtualenv"
        assert not sandbox._inside(str(ROOT / "solutions"), path), f"{path} would show solutions/"
    import depthlab
    installed = os.path.realpath(Path(depthlab.__file__).parent)
    visible = [p for p in view.read if sandbox._inside(installed, p)]
    if visible:   # depthlab installed into site-packages: taken out again
        assert any(sandbox._inside(installed, m) for m in view.masked), installed
    records = [m for m in view.masked if "depthlab" in os.path.basename(m)]
    assert records, "depthlab's dist-info / editable finder in site-packages must be taken out"


def test_split_around_allows_everything_but_the_excluded_entries(tmp_path):
    for rel in ("site/numpy/core.py", "site/solutions/ps2.py", "site/deep/solutions/x.py", "site/deep/ok.py",
                "site/top.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    site = str(tmp_path / "site")
    whole, listing = sandbox.split_around([site], [f"{site}/solutions", f"{site}/deep/solutions"])
    assert sorted(listing) == [site, f"{site}/deep"]
    assert sorted(whole) == [f"{site}/deep/ok.py", f"{site}/numpy", f"{site}/top.py"]
    assert sandbox.split_around([site], []) == ([site], [])


def test_isolation_mode_checks_its_argument_and_warns_for_none():
    with pytest.raises(ValueError, match="auto, namespace, landlock or none"):
        sandbox.isolation_mode("chroot")
    assert sandbox.isolation_mode("none") == "none"
    with pytest.warns(sandbox.UnsafeIsolationWarning, match="the reference included"):
        sandbox.warn_unsafe("none")
    assert sandbox.isolation_mode("auto") == sandbox.available_levels()[0]


#: run inside the kernel: every way of reaching our files, and what came back
LOOK_AROUND = textwrap.dedent(r"""
    import os, sys, json, glob, signal, socket
    def attempt(f):
        try:
            out = f()
            return "GOT " + repr(out)[:200]
        except BaseException as e:
            return "DENIED " + type(e).__name__
    course = {course!r}
    def ours(listing):   # a folder listing counts as reached only when it shows the course
        assert set(listing) & {{"solutions", "source", "nbgrader_config.py", "autograder"}}, "nothing of ours"
        return listing
    report = {{
        "course README": attempt(lambda: open(os.path.join(course, "README.md")).read(50)),
        # a checkout holding its virtualenv shows the folders on the way to it (names only)
        "course listing": attempt(lambda: ours(os.listdir(course))),
        "reference": attempt(lambda: open(os.path.join(course, "solutions", {ref!r})).read(50)),
        "write course": attempt(lambda: open(os.path.join(course, "pwned.txt"), "w").write("x")),
        "root listing": attempt(lambda: [e for e in os.listdir("/") if e not in ("proc", "dev", "tmp")]),
        "proc 1 cwd": attempt(lambda: ours(os.listdir("/proc/1/cwd/"))),
        "parent cwd": attempt(lambda: ours(os.listdir("/proc/%d/cwd/" % os.getppid()))),
        "any process cwd": attempt(lambda: [ours(os.listdir(p)) for p in glob.glob("/proc/[0-9]*/cwd/")] or 1 / 0),
        "signal parent": attempt(lambda: os.kill(os.getppid(), 0) if os.getppid() > 1 else 1 / 0),
        "tcp connect": attempt(lambda: socket.create_connection(("127.0.0.1", 9), timeout=1)),
        "site record": attempt(lambda: [open(p).read(20) for p in glob.glob(sys.path[-1] + "/depthlab*/RECORD")]
                                        or 1 / 0),
        "editable finder": attempt(lambda: [open(p).read() for p in
                                            glob.glob(sys.path[-1] + "/__editable___depthlab*finder.py")
                                            if "solutions" in open(p).read()] or 1 / 0),
        "other kernels": attempt(lambda: [p for p in glob.glob("/tmp/depthlab-kernel-*") if not os.getcwd().startswith(p + "/")]
                                          or 1 / 0),
        "scratch write": attempt(lambda: open("scratch.txt", "w").write("ok")),
        "numpy": attempt(lambda: __import__("numpy").ones(2).sum()),
    }}
    print(json.dumps(report))
""")


@pytest.mark.slow
@pytest.mark.parametrize("level", sandbox.available_levels())
def test_from_inside_a_kernel_nothing_of_ours_is_reachable(level, tmp_path):
    """At every level the machine gives: the course, the reference, install records,
    other kernels' folders, the grader's processes and the network are out of
    reach; the scratch folder and numpy work."""
    ref = sorted(p.name for p in (ROOT / "solutions").glob("ps*.py"))[0]
    other = SandboxKernel(isolation=level)   # another kernel's folder exists meanwhile
    kernel = SandboxKernel(isolation=level)
    try:
        kernel.start()
        res = kernel.run(LOOK_AROUND.format(course=str(ROOT), ref=ref), 60)
        assert res.status == "ok", res
        text = "".join(o.get("text", "") for o in res.outputs if o.get("output_type") == "stream")
        report = json.loads(text.strip().splitlines()[-1])
    finally:
        kernel.close()
        other.close()
    allowed = {"scratch write", "numpy"}
    for what, outcome in report.items():
        if what in allowed:
            assert outcome.startswith("GOT"), (level, what, outcome)
        else:
            assert outcome.startswith("DENIED"), (level, what, outcome)
    assert not (ROOT / "pwned.txt").exists()


def _depthlab(*args, deny_landlock=False, env=None, timeout=300):
    if not Path("/usr/bin/python3").exists():
        pytest.fail("the seccomp tests need Debian's /usr/bin/python3 with python3-seccomp "
                    "(scripts/install-system-packages.sh)")
    argv = ["/usr/bin/python3", str(SECCOMP_RUN)] + (["--deny-landlock"] if deny_landlock else []) + \
        ["--", str(BIN / "depthlab"), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_under_dockers_seccomp_profile_auto_gives_landlock_and_says_so():
    """Gradescope's container forbids namespaces: auto must not fall back to nothing."""
    out = _depthlab("doctor", "--json", env={"DEPTHLAB_ISOLATION": "auto"})
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["namespace"]["works"] is False and d["landlock"]["works"] is True
    assert d["level"] == "landlock"
    graded = _depthlab("grade", A, str(release_notebook(A)), "--engine", "direct", "--json",
                       env={"DEPTHLAB_ISOLATION": "auto"})
    assert graded.returncode == 0, graded.stderr[-2000:]
    result = json.loads(graded.stdout.strip().splitlines()[-1])
    assert result["isolation"] == "landlock" and result["score"] == 0


@pytest.mark.slow
def test_with_nothing_safe_grading_refuses_and_says_what_to_do():
    """An old Docker (Landlock denied too): auto refuses; `none` must be asked for."""
    doctor = _depthlab("doctor", deny_landlock=True, env={"DEPTHLAB_ISOLATION": "auto"})
    assert doctor.returncode == 1
    assert "grading would refuse" in doctor.stdout
    graded = _depthlab("grade", A, str(release_notebook(A)), "--engine", "direct", deny_landlock=True,
                       env={"DEPTHLAB_ISOLATION": "auto"})
    assert graded.returncode == 1
    assert "no safe isolation" in graded.stderr and "--isolation none" in graded.stderr
    assert "Traceback" not in graded.stderr
    asked = _depthlab("grade", A, str(release_notebook(A)), "--engine", "direct", "--json", "--isolation", "none",
                      deny_landlock=True)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "warning: --isolation none" in asked.stderr
    assert json.loads(asked.stdout.strip().splitlines()[-1])["isolation"] == "none"

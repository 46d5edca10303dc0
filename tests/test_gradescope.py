"""The Gradescope run, reproduced: the generated autograder zip, laid out as Gradescope lays it out, under
Docker's default seccomp profile.

Gradescope's harness cannot be reached from here, but its layout and its
container's confinement can.  Gradescope's documentation
(https://gradescope-autograders.readthedocs.io/en/latest/specs/, "File
hierarchy" and "Output format"; the metadata file:
https://gradescope-autograders.readthedocs.io/en/latest/submission_metadata/)
says: the zip is extracted into ``/autograder/source``, ``run_autograder`` is
copied to ``/autograder/run_autograder``, ``setup.sh`` runs once at image build,
the submission is put in ``/autograder/submission``, the harness writes
``/autograder/submission_metadata.json``, runs ``/autograder/run_autograder``
(as root, working folder ``/autograder``), captures its output as
``/autograder/results/stdout`` (instructors' debugging output) and uploads
``/autograder/results/results.json``.

Each run here: the committed zip (``assignments/<a>/autograder/``) is unpacked
into a temporary folder that becomes ``/autograder`` in a private mount
namespace (``unshare --mount``, a bind mount: parallel runs and leftovers do not
collide; ``/root`` is a fresh folder too, as in a new container), the depthlab
part of ``setup.sh`` runs (``depthlab/install-grading.sh``: the grading wheel into
``/autograder/depthlab-grading``; the rest of ``setup.sh`` installs Miniforge from
the internet), then ``run_autograder`` runs under ``scripts/seccomp_run.py``
(Docker's default seccomp profile and capabilities: no namespaces, no mounts).
Python is a fresh virtual environment made from Debian's ``/usr/bin/python3`` with
the zip's ``requirements.txt`` installed (by uv, resolved as pip resolves it:
``tests/system_venv.py``), first on ``PATH`` (on Gradescope,
otter's conda environment).  It is cached in the system's temporary folder,
keyed by the requirements' hash and the Python version, so submissions (and
later sessions) share one install.  That folder is world-readable, so a kernel
can run as a user id of its own; on Gradescope otter's Python is in
``/root/miniforge3`` (``/root``: mode 700), where it cannot, so two hostile runs
repeat with the environment mounted at ``/root/venv`` in a mode-700 ``/root``.

Required: the reference earns every point, the blank notebook none, and each
hostile submission (``tests/hostile/gradescope/``) nothing for the function it
attacks: exactly what the reference with that function left blank earns;
``results.json`` follows
Gradescope's schema with ``stdout_visibility: "hidden"``; the instructors'
stdout names the isolation level, which under this profile must be
``landlock``.  Needs root (mounts) and Debian's ``python3-seccomp``
(``scripts/install-system-packages.sh``).
"""
from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from depthlab import classgen
from depthlab.engines import otter_assign
from depthlab.engines.otter_plugin import DepthlabPlugin, GradescopeResults, replace_results
from depthlab.judge.prepare import grade_namespace, load_spec
from depthlab.judge.results import NotebookResult
from depthlab.judge.results import TestResult as _TestResult
from depthlab.paths import course_root

import system_venv

ROOT = course_root()
A = "ps2_vanishing_gradients"
SYSTEM_PYTHON = system_venv.SYSTEM_PYTHON
SECCOMP_RUN = ROOT / "scripts" / "seccomp_run.py"
SNIPPETS = Path(__file__).resolve().parent / "hostile" / "gradescope"
HOSTILE = sorted(p.stem for p in SNIPPETS.glob("*__*.py"))
#: world-readable, so that a kernel running as a user id of its own can run the venv's Python
VENV_CACHE = Path(tempfile.gettempdir()) / "depthlab-gradescope-venvs"
VISIBILITY = ("hidden", "after_due_date", "after_published", "visible")
RUN_TIMEOUT = 900


# --------------------------------------------------------------------------- Gradescope's results.json schema

def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def gradescope_schema_errors(data) -> list[str]:
    """What in ``data`` breaks Gradescope's documented ``results.json`` format
    (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output format"):
    a top-level ``score`` (required unless every test has one), optional
    ``execution_time``, ``output``, ``visibility``, ``stdout_visibility``,
    ``extra_data``; ``tests``, each with an optional ``score`` and ``max_score``
    (numbers), ``name`` and ``output`` (strings), ``visibility`` and ``status``
    ("passed" / "failed").  Visibilities are hidden, after_due_date,
    after_published or visible.  Depthlab's contract makes ``name``, ``output``
    and ``visibility`` of every test required."""
    if not isinstance(data, dict):
        return [f"results.json holds a {type(data).__name__}, not an object"]
    errors = []
    tests = data.get("tests")
    if not isinstance(tests, list):
        return errors + [f"'tests' is {type(tests).__name__}, not a list"]
    if "score" in data:
        if not _number(data["score"]):
            errors.append(f"top-level 'score' is {data['score']!r}, not a number")
    elif not all(isinstance(t, dict) and "score" in t for t in tests):
        errors.append("no top-level 'score', and not every test has one")
    for key in ("execution_time",):
        if key in data and not _number(data[key]):
            errors.append(f"'{key}' is {data[key]!r}, not a number")
    if "output" in data and not isinstance(data["output"], str):
        errors.append("top-level 'output' is not a string")
    for key in ("visibility", "stdout_visibility"):
        if key in data and data[key] not in VISIBILITY:
            errors.append(f"'{key}' is {data[key]!r}, not one of {VISIBILITY}")
    if "extra_data" in data and not isinstance(data["extra_data"], dict):
        errors.append("'extra_data' is not an object")
    for i, test in enumerate(tests):
        if not isinstance(test, dict):
            errors.append(f"tests[{i}] is not an object")
            continue
        label = f"tests[{i}] ({test.get('name')!r})"
        for key in ("name", "output"):
            if not isinstance(test.get(key), str):
                errors.append(f"{label}: '{key}' is {test.get(key)!r}, not a string")
        if test.get("visibility") not in VISIBILITY:
            errors.append(f"{label}: 'visibility' is {test.get('visibility')!r}, not one of {VISIBILITY}")
        for key in ("score", "max_score"):
            if key in test and not _number(test[key]):
                errors.append(f"{label}: '{key}' is {test[key]!r}, not a number")
        if ("score" in test) != ("max_score" in test):
            errors.append(f"{label}: 'score' and 'max_score' come together")
        if "status" in test and test["status"] not in ("passed", "failed"):
            errors.append(f"{label}: 'status' is {test['status']!r}")
    return errors


def test_schema_check_rejects_what_gradescope_would():
    good = {"score": 2.0, "stdout_visibility": "hidden",
            "tests": [{"name": "Public Tests", "output": "", "visibility": "visible", "status": "passed"},
                      {"name": "sigmoid", "score": 2.0, "max_score": 2.0, "output": "ok", "visibility": "visible"}]}
    assert gradescope_schema_errors(good) == []
    bad = {
        "not an object": [],
        "no tests": {"score": 1},
        "no score anywhere": {"tests": [{"name": "a", "output": "", "visibility": "visible"}]},
        "score a string": {**good, "score": "2"},
        "stdout visibility unknown": {**good, "stdout_visibility": "instructors"},
        "test without visibility": {**good, "tests": [{"name": "a", "output": "", "score": 1, "max_score": 1}]},
        "test name missing": {**good, "tests": [{"output": "", "visibility": "visible"}]},
        "max_score alone": {**good, "tests": [{"name": "a", "output": "", "visibility": "visible", "max_score": 1}]},
        "score a bool": {**good, "tests": [{"name": "a", "output": "", "visibility": "visible", "score": True,
                                            "max_score": 1}]},
    }
    for label, data in bad.items():
        assert gradescope_schema_errors(data), label


# --------------------------------------------------------------------------- fast: the plugin's results and report

def test_results_json_has_a_score_and_instructor_only_stdout():
    """What the plugin makes of otter's results for Gradescope: the documented schema,
    a top-level score (depthlab's total, partial credit included), stdout for instructors only."""
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults
    spec = load_spec(A)
    tests = tuple(_TestResult(t.test_id, t.function, float(t.points) / 2 if i == 0 else float(t.points),
                              float(t.points), i != 0, "message") for i, t in enumerate(spec.tests))
    results = GradingResults([])
    replace_results(results, NotebookResult(A, "nb.ipynb", "otter", tests, (), None))
    assert isinstance(results, GradescopeResults)
    out = results.to_gradescope_dict(AutograderConfig({"show_all_public": True}))
    assert gradescope_schema_errors(out) == []
    assert out["stdout_visibility"] == "hidden"
    assert out["score"] == pytest.approx(spec.max_score - spec.tests[0].points / 2)


def test_report_for_instructors_names_the_isolation_level(tmp_path):
    from depthlab.judge.kernel import isolation_mode
    plugin = DepthlabPlugin(str(tmp_path / "nb.ipynb"), {}, {"assignment": A})
    plugin.result = NotebookResult(A, "nb.ipynb", "otter", (), (), None)
    report = plugin.generate_report()
    assert f"depthlab: kernels isolated by {isolation_mode()}" in report.splitlines(), report


# --------------------------------------------------------------------------- the seccomp profile

#: system calls tried under the profile (x86_64 numbers); each prints its errno name or "ok"
PROBE = r"""
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
def call(*args):
    result = libc.syscall(*args)
    return "ok" if result >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
out = {
    "unshare": call(272, 0x00020000),                 # unshare(CLONE_NEWNS)
    "setns": call(308, -1, 0),
    "mount": call(165, b"none", b"/nonexistent", b"tmpfs", 0, None),
    "umount2": call(166, b"/nonexistent", 0),
    "pivot_root": call(155, b"/nonexistent", b"/nonexistent"),
    "clone_newuser": call(56, 0x10000000 | 17, 0, 0, 0, 0),   # clone(CLONE_NEWUSER | SIGCHLD)
    "clone3": call(435, 0, 0),
    "keyctl": call(250, 0, 0, 0, 0, 0),
    "add_key": call(248, b"user", b"x", None, 0, 0),
    "bpf": call(321, 0, 0, 0),
    "perf_event_open": call(298, 0, 0, -1, -1, 0),
    "landlock": call(444, 0, 0, 1),                   # landlock_create_ruleset(NULL, 0, VERSION)
    "cap_sys_admin": libc.prctl(23, 21, 0, 0, 0),     # PR_CAPBSET_READ
    "cap_setuid": libc.prctl(23, 7, 0, 0, 0),
    "no_new_privs": libc.prctl(39, 0, 0, 0, 0),
}
pid = os.fork()
if pid == 0:
    os._exit(0)
out["fork"] = "ok" if os.waitpid(pid, 0)[1] == 0 else "failed"
print(json.dumps(out))
"""


def _need_seccomp():
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("the seccomp reproduction is written for x86_64 Linux")
    if os.geteuid() != 0:
        pytest.skip("reproducing Gradescope's container needs root (mount namespaces, Docker's capability set)")
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import seccomp"], capture_output=True, text=True)
    assert probe.returncode == 0, ("Debian's python3-seccomp is missing: run `sh scripts/install-system-packages.sh`"
                                   f"\n{probe.stderr[-500:]}")


def _probe(*options) -> dict:
    proc = subprocess.run([SYSTEM_PYTHON, str(SECCOMP_RUN), *options, "--", SYSTEM_PYTHON, "-c", PROBE],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_seccomp_run_reproduces_dockers_default_profile():
    """No namespaces, no mounts, no keyring, bpf or perf; clone3 says ENOSYS so that
    glibc falls back to clone; fork works; Landlock works (Docker >= 23 allows it);
    root keeps CAP_SETUID but not CAP_SYS_ADMIN; no_new_privs stays off."""
    _need_seccomp()
    got = _probe()
    for call in ("unshare", "setns", "mount", "umount2", "pivot_root", "clone_newuser", "keyctl", "add_key",
                 "bpf", "perf_event_open"):
        assert got[call] == "EPERM", (call, got)
    assert got["clone3"] == "ENOSYS" and got["fork"] == "ok", got
    assert got["landlock"] == "ok", got
    assert (got["cap_sys_admin"], got["cap_setuid"], got["no_new_privs"]) == (0, 1, 0), got
    older = _probe("--deny-landlock")
    assert older["landlock"] == "EPERM" and older["unshare"] == "EPERM", older


# --------------------------------------------------------------------------- slow: the whole run

def committed_zip() -> Path:
    path = otter_assign.zip_path(A, ROOT)
    assert path.is_file(), f"{path} is missing: run `depthlab release {A}`"
    return path


@pytest.fixture(scope="session")
def gradescope_venv() -> Path:
    """A virtual environment from Debian's Python with the zip's requirements.txt,
    made once per requirements (cached across sessions; a lock serialises builders)."""
    requirements = otter_assign.zip_entries(committed_zip())["requirements.txt"]
    version = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version)"], capture_output=True,
                             text=True, check=True).stdout
    key = hashlib.sha256(requirements + version.encode()).hexdigest()[:16]
    VENV_CACHE.mkdir(mode=0o755, exist_ok=True)
    venv, ready = VENV_CACHE / key, VENV_CACHE / key / "depthlab-requirements.txt"
    with open(VENV_CACHE / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(venv, ignore_errors=True)   # a build that was cut short
            start = time.monotonic()
            system_venv.create(venv)
            (venv / "requirements.txt").write_bytes(requirements)
            # exactly the zip's requirements.txt, resolved as pip resolves it (see tests/system_venv.py)
            system_venv.install(venv, ["-r", str(venv / "requirements.txt")])
            ready.write_bytes(requirements)
            print(f"\n[gradescope] virtual environment built in {time.monotonic() - start:.1f} s: {venv}")
        else:
            print(f"\n[gradescope] virtual environment reused: {venv}")
    site = venv / "lib" / f"python{version.split('.')[0]}.{version.split('.')[1]}" / "site-packages"
    leaked = [p.name for p in site.iterdir() if p.name.split("-")[0] in ("depthlab", "solutions")]
    assert not leaked, f"requirements.txt installed the grading code into the environment: {leaked}"
    return venv


def submission(name: str) -> nbformat.NotebookNode:
    """The otter student notebook (what Gradescope students get), filled in."""
    student = otter_assign.student_notebook_path(A, ROOT)
    if name == "blank":
        return nbformat.read(str(student), as_version=4)
    sources = classgen.reference_sources(A)
    if name != "reference":
        sources[name.split("__")[0]] = (SNIPPETS / f"{name}.py").read_text()
    return classgen.fill_release(A, sources, release=student)


def _extract(zip_path: Path, target: Path) -> None:
    """Unzip keeping the file modes stored in the zip (``zipfile`` drops them)."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            zf.extract(info, target)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                os.chmod(target / info.filename, mode)


#: inside the private mount namespace: Gradescope's folders, the image build's depthlab step, then the run
IN_NAMESPACE = """set -e
mount --bind "$1" /autograder
mount --bind "$2" /root
if [ -n "$4" ]; then mount --bind "$3" "$4"; fi
cd /autograder/source
if ! {python} {seccomp} -- bash /autograder/source/depthlab/{install} > /autograder/setup.log 2>&1; then
    echo "setup (depthlab/{install}) failed:"; cat /autograder/setup.log; exit 97
fi
cd /autograder
exec {python} {seccomp} -- /autograder/run_autograder
"""


def run_on_gradescope(nb, venv: Path, work: Path, env: dict | None = None,
                      python_in_root: bool = False) -> tuple[dict | None, str, int, float]:
    """``(results.json or None, the run's output, exit status, seconds)``; ``env``: more
    variables; ``python_in_root``: the virtual environment appears as ``/root/venv``, under
    ``/root`` (mode 700) as otter's ``/root/miniforge3`` is on Gradescope."""
    ag, home = work / "autograder", work / "root"
    _extract(committed_zip(), ag / "source")
    shutil.copy2(ag / "source" / "run_autograder", ag / "run_autograder")
    (ag / "submission").mkdir()
    (ag / "results").mkdir()
    nbformat.write(nb, str(ag / "submission" / f"{A}.ipynb"))
    spec = load_spec(A)
    # the fields of Gradescope's submission_metadata.json (see the module docstring)
    (ag / "submission_metadata.json").write_text(json.dumps({
        "id": 123456, "created_at": "2026-12-01T14:22:32.365935-08:00",
        "assignment": {"due_date": "2026-12-31T23:00:00.000000-08:00", "group_size": None,
                       "group_submission": False, "id": 25828, "course_id": 1234, "late_due_date": None,
                       "release_date": "2026-11-01T00:00:00.000000-08:00", "title": A,
                       "total_points": f"{spec.max_score:.1f}"},
        "submission_method": "upload",
        "users": [{"email": "student@example.com", "id": 1234, "name": "Student User"}],
        "previous_submissions": []}))
    home.mkdir(mode=0o700)
    venv_at = "/root/venv" if python_in_root else ""
    if venv_at:
        (home / "venv").mkdir()
    Path("/autograder").mkdir(exist_ok=True)   # the mount point; each run binds its own folder on it, privately
    script = IN_NAMESPACE.format(python=SYSTEM_PYTHON, seccomp=SECCOMP_RUN, install=otter_assign.INSTALL_SCRIPT)
    env = {"PATH": f"{venv_at or venv}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": "/root", "LANG": "C.UTF-8", **(env or {})}
    cmd = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", script, "gradescope", str(ag), str(home),
           str(venv), venv_at]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        output += f"\n[test] run_autograder killed after {RUN_TIMEOUT} s"
    seconds = round(time.monotonic() - start, 1)
    (ag / "results" / "stdout").write_text(output)   # what Gradescope keeps for instructors
    results = ag / "results" / "results.json"
    return (json.loads(results.read_text()) if results.exists() else None), output, proc.returncode, seconds


def left_blank(function: str) -> dict:
    """Points per function of the reference with ``function`` left as released (it
    raises NotImplementedError), graded in this process: what an attack on ``function``
    that gains nothing leaves (functions that call it lose their points too)."""
    module = importlib.import_module(load_spec(A).reference_module)
    namespace: dict = {"__name__": "student"}
    exec(compile(Path(module.__file__).read_text(), module.__file__, "exec"), namespace)
    exec(f"def {function}(*args, **kwargs):\n    raise NotImplementedError()\n", namespace)
    return {r.function: r.points for r in grade_namespace(A, namespace)}


def _reference_lines() -> list[str]:
    return [l.strip() for code in classgen.reference_sources(A).values() for l in code.splitlines()
            if len(l.strip()) > 25 and not l.strip().startswith(("#", "def ", '"""', "import"))]


@pytest.mark.slow
@pytest.mark.xdist_group("gradescope")
@pytest.mark.timeout(1800)   # the first run may build the virtual environment (minutes)
@pytest.mark.parametrize("name", ["reference", "blank", *HOSTILE])
def test_gradescope_run(name, gradescope_venv, tmp_path):
    _need_seccomp()
    check_run(name, tmp_path, *run_on_gradescope(submission(name), gradescope_venv, tmp_path))


@pytest.mark.slow
@pytest.mark.xdist_group("gradescope")
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", [n for n in HOSTILE if n.startswith(("gradient_magnitudes__", "spectral_radius__"))])
def test_gradescope_run_with_python_under_root(name, gradescope_venv, tmp_path):
    """As on Gradescope, where otter's Python is in /root/miniforge3 and /root is mode
    700: a kernel cannot run as a user id of its own (it could not run that Python),
    so the kernel stays root and its isolation alone must stop reads and signals."""
    _need_seccomp()
    check_run(name, tmp_path, *run_on_gradescope(submission(name), gradescope_venv, tmp_path, python_in_root=True))


def check_run(name: str, work: Path, data, output: str, code: int, seconds: float) -> None:
    """The requirements on one Gradescope run of submission ``name`` (see the module docstring)."""
    spec = load_spec(A)
    print(f"\n[gradescope] {name}: run_autograder took {seconds} s (exit {code})")
    tail = output[-4000:]
    assert data is not None, f"run_autograder wrote no results.json (exit {code}):\n{tail}"
    assert gradescope_schema_errors(data) == [], (gradescope_schema_errors(data), data)
    assert data["stdout_visibility"] == "hidden", data
    assert code == 0, f"run_autograder exited {code}:\n{tail}"
    # the grading code went into a folder of its own, not into the environment (see gradescope_venv)
    assert (work / "autograder" / "depthlab-grading" / "solutions" / f"{A}.py").is_file()
    scores = {t["name"]: (t["score"], t["max_score"]) for t in data["tests"] if "score" in t}
    questions = {otter_assign.question_name(t.test_id): (t.function, float(t.points)) for t in spec.tests}
    assert set(scores) == set(questions), data["tests"]
    assert data["score"] == pytest.approx(sum(s for s, _ in scores.values()))
    text = json.dumps(data)
    assert not [l for l in _reference_lines() if l in text], "results.json shows reference code"
    if name == "reference":
        assert data["score"] == spec.max_score, data
    elif name == "blank":
        assert data["score"] == 0, data
    else:
        attacked = name.split("__")[0]
        assert "LEAK" not in text
        got = {function: scores[q][0] for q, (function, _) in questions.items()}
        assert got[attacked] == 0, f"{name}: {attacked} earned {got[attacked]} points by attacking the grader"
        assert got == pytest.approx(left_blank(attacked)), \
            f"{name}: not what the reference with {attacked} left blank earns: {got}"
    level = re.search(r"^depthlab: kernels isolated by (\w+)$", output, re.M)
    assert level, f"the instructors' stdout does not name the isolation level:\n{tail}"
    assert level.group(1) == "landlock", (f"under Docker's default seccomp profile the kernels must be isolated by "
                                          f"landlock, not {level.group(1)}")

@pytest.mark.slow
@pytest.mark.xdist_group("gradescope")
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_submissions_are_real_attacks(name, gradescope_venv, tmp_path):
    """The control: with isolation switched off (``DEPTHLAB_ISOLATION=none``, only when
    asked for) each hostile submission does get the reference, or kills the grader,
    so test_gradescope_run passing means the isolation stopped it.  Kernels are started by
    the grader itself here (``DEPTHLAB_WARM_KERNELS=0``): a kernel forked from the fork
    server has that server for its parent, and killing it takes down the kernel only."""
    _need_seccomp()
    data, output, code, seconds = run_on_gradescope(submission(name), gradescope_venv, tmp_path,
                                                    env={"DEPTHLAB_ISOLATION": "none", "DEPTHLAB_WARM_KERNELS": "0"})
    print(f"\n[gradescope] {name} without isolation: run_autograder took {seconds} s (exit {code})")
    attacked = name.split("__")[0]
    if "signals_parent" in name:
        assert data is None and code != 0, f"the grader survived its kernel's SIGKILL without isolation:\n{output[-2000:]}"
        return
    assert data is not None, output[-4000:]
    assert "depthlab: kernels isolated by none" in output.splitlines()
    (test,) = [t for t in load_spec(A).tests if t.function == attacked]
    earned = {t["name"]: t["score"] for t in data["tests"] if "score" in t}[otter_assign.question_name(test.test_id)]
    assert earned == test.points, \
        f"{name} did not get the reference even without isolation: its attack is broken ({earned} points)"

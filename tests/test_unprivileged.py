"""Grading as an unprivileged user, as a JupyterHub pod does (issue 12, item 5).

As root, the test

- creates the user ``depthlab-grader`` (once; no home, no login shell);
- makes a virtualenv from ``/usr/bin/python3`` (the default ``python3`` here is
  pyenv's, under ``/root``, which no other user can run: ``shared/FINDINGS.md``)
  in ``/var/tmp/depthlab-unprivileged/``, readable by everyone, and installs
  the project into it, not editable (with uv: ``tests/system_venv.py``):
  ``depthlab`` and ``solutions`` then lie in that venv's site-packages, the
  hub-pod case in which the sandbox must still hide the reference.  The venv
  is kept between runs: its
  dependencies are installed again only when ``pyproject.toml`` changes, the
  project when its sources change (the install times are written to
  ``test-artifacts/unprivileged/timings.json``);
- copies the checkout to a temporary folder owned by that user (what a pod's
  instructor has), with another student's submitted and graded notebooks in it
  and two more copies of the course elsewhere (``tests/hostile/escapes.py``);

and then, as that user (``runuser``), at each isolation level the user has
(namespaces need unprivileged user namespaces; Landlock needs nothing):

- ``depthlab grade --json`` of the finders, the signalling notebook and the
  perfect notebook;
- ``depthlab autograde --engine direct`` of a folder holding the notebook that
  copies other students' work, the one that writes outside its scratch folder,
  and the perfect notebook;
- once, at the first level, ``depthlab autograde --engine nbgrader``, which
  also creates the course's real gradebook and ``autograded/`` folder that the
  runs after it must leave alone.

It checks that the perfect notebook gets full marks, that no hostile function
earns more than the plain wrong answer (graded in-process, as in
``test_hostile.py``), that every result names the level it
was graded at, that the grader finished every batch, and that nothing outside
the kernels' scratch folders changed.  Without root the test cannot create the
user: it fails saying so when ``CI=true``, and otherwise skips with that reason.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from depthlab.judge.results import NotebookResult
from depthlab.paths import course_root

import system_venv
from hostile.build import ASSIGNMENT as A, with_snippets, write
from hostile.escapes import (COPIES, FINDERS, PLAIN, SIGNALS, WRITES, CourseSite, json_results, plain_points,
                             save_timings)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("unprivileged")]

USER = "depthlab-grader"
SYSTEM_PYTHON = Path(system_venv.SYSTEM_PYTHON)
CACHE = Path("/var/tmp/depthlab-unprivileged")
ROOT = course_root()
ARTIFACTS = ROOT / "test-artifacts" / "unprivileged"
#: limits for every run: the searches take a few seconds, then the hidden cases run
LIMITS = {"DEPTHLAB_TEST_TIMEOUT": "10", "DEPTHLAB_CELL_TIMEOUT": "20", "DEPTHLAB_NOTEBOOK_TIMEOUT": "300",
          "DEPTHLAB_INTERRUPT_GRACE": "1"}
#: what `depthlab grade` gets, and the class `depthlab autograde` gets (student id -> snippets); the
#: plain wrong answers the hostile ones are held against are graded in-process (plain_points)
GRADED = {"finders": FINDERS, "signals": SIGNALS, "perfect": []}
CLASS = {"copies": PLAIN + [COPIES], "writes": PLAIN + [WRITES], "perfect": []}
#: other students than CLASS's: the files nbgrader's run leaves must stay as they are
NBGRADER_CLASS = {"nbfinders": FINDERS, "nbperfect": []}
TIMINGS: dict = {}


def _environment_problem() -> str:
    if os.geteuid() != 0:
        return "needs root, to create an unprivileged user and run the grader as that user"
    missing = [tool for tool in ("useradd", "runuser", "unshare") if not shutil.which(tool)]
    if missing:
        return f"needs {', '.join(missing)} (util-linux, passwd)"
    if not SYSTEM_PYTHON.exists():
        return f"needs {SYSTEM_PYTHON}, a Python every user can run"
    return ""


@pytest.fixture(scope="module")
def machine():
    """Root, the tools, and the user."""
    problem = _environment_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"test_unprivileged {problem}; CI must provide it")
        pytest.skip(problem)
    if subprocess.run(["id", "-u", USER], capture_output=True).returncode != 0:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
                              capture_output=True, text=True)
        assert made.returncode == 0 or "already exists" in made.stderr, made.stderr
    return USER


def _digest(paths) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _sources() -> list[Path]:
    files = [ROOT / "pyproject.toml"]
    for top in (ROOT / "autograder" / "depthlab", ROOT / "solutions"):
        files += sorted(p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def _install_copy(dest: Path) -> Path:
    """What pip builds the project from: pyproject, README, the package sources."""
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "autograder", dest / "autograder", ignore=ignore)
    shutil.copytree(ROOT / "solutions", dest / "solutions", ignore=ignore)
    return dest


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


def _save_timings() -> None:
    save_timings(ARTIFACTS, TIMINGS)


@pytest.fixture(scope="module")
def venv(machine):
    """A venv of /usr/bin/python3 with the project installed (not editable), readable by everyone."""
    CACHE.mkdir(mode=0o755, exist_ok=True)
    os.chmod(CACHE, 0o755)
    deps = _digest([ROOT / "pyproject.toml"])
    project = _digest(_sources())
    folder = CACHE / f"venv-{deps}"
    with open(CACHE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # one builder at a time, across sessions
        for old in CACHE.glob("venv-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        stamp = folder / f".project-{project}"
        if not stamp.exists():
            fresh = not (folder / "bin" / "python").exists()
            if fresh:
                shutil.rmtree(folder, ignore_errors=True)
                system_venv.create(folder)
            with tempfile.TemporaryDirectory(prefix="depthlab-install-") as tmp:
                source = _install_copy(Path(tmp) / "depthlab")
                start = time.monotonic()
                # built from the copy, never from uv's cache of an earlier build: --reinstall-package
                project = ["--reinstall-package", "depthlab", str(source)]
                system_venv.install(folder, project if fresh else ["--no-deps", *project])
                TIMINGS["install, dependencies too" if fresh else "install, the project only"] = \
                    round(time.monotonic() - start, 1)
                _save_timings()
            for old in folder.glob(".project-*"):
                old.unlink()
            stamp.touch()
            _run(["chmod", "-R", "a+rX", str(folder)])
    return folder


@pytest.fixture(scope="module")
def checkout(machine, venv):
    """A copy of the checkout owned by the user, with the notebooks to grade beside it, the other
    student's work in it and copies of the course elsewhere; removed afterwards."""
    top = Path(tempfile.mkdtemp(prefix="depthlab-pod-", dir="/var/tmp"))
    os.chmod(top, 0o755)
    site = None
    try:
        course = top / "course"
        listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
        for rel in filter(None, listed.split("\0")):
            src = ROOT / rel
            if src.is_file() and not rel.startswith("tests/"):
                (course / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, course / rel)
        site = CourseSite.make(course=course, gradebook=False)
        incoming = {"grade": GRADED, "class": CLASS, "nbgrader-class": NBGRADER_CLASS}
        for folder, notebooks in incoming.items():
            for name, snippets in notebooks.items():
                write(with_snippets(snippets), top / folder / f"{name}.ipynb")
        (top / "home").mkdir()
        _run(["chown", "-R", f"{USER}:{USER}", str(top)])
        yield top, site
    finally:
        if site is not None:
            site.close(home=top / "home", sites=_site_dirs(venv))
        shutil.rmtree(top, ignore_errors=True)


def _site_dirs(venv: Path) -> tuple:
    return tuple(str(p) for p in venv.glob("lib/python3*/site-packages"))


def as_user(venv: Path, top: Path, cmd: list, level: str | None = None, timeout: float = 900):
    """Run ``cmd`` as the user in the course copy, with the venv's tools first on PATH."""
    env = {"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(top / "home"), "LANG": "C.UTF-8",
           **LIMITS}
    if level:
        env["DEPTHLAB_ISOLATION"] = level
    argv = ["runuser", "-u", USER, "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()), *cmd]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=top / "course",
                          stdin=subprocess.DEVNULL)


def user_levels(venv: Path, top: Path) -> list[str]:
    asked = (os.environ.get("DEPTHLAB_ISOLATION") or "auto").lower()
    if asked != "auto":
        return [asked]
    probe = as_user(venv, top, ["python", "-c", "import json; from depthlab.judge.kernel import available_levels; "
                                                "print(json.dumps(available_levels()))"], timeout=120)
    assert probe.returncode == 0, probe.stderr[-2000:]
    levels = json.loads(probe.stdout.strip().splitlines()[-1])
    assert levels, "the user has no safe isolation level: nothing could be graded in a pod like this"
    return levels


def stored(top: Path, students) -> dict:
    folder = top / "course" / ".depthlab" / "results" / A
    out = {}
    for student in students:
        path = folder / f"{student}.json"
        if path.exists():
            out[student] = NotebookResult.from_record(json.loads(path.read_text())["record"]).to_json()
    return out


def points(result: dict) -> dict:
    return {t["function"]: t["points"] for t in result["tests"]}


def check_batch(results: dict, level: str, hostile: dict, perfect: str, what: str) -> list[str]:
    """Problems with one batch's results (an empty list: none)."""
    problems = []
    for name, result in results.items():
        if result.get("isolation") != level:
            problems.append(f"{what}: {name} graded at {result.get('isolation')!r}, not {level!r}")
        if result.get("error"):
            problems.append(f"{what}: {name} not graded: {result['error']}")
    missing = (set(hostile) | {perfect}) - set(results)
    if missing:
        return problems + [f"{what}: no result for {sorted(missing)}"]
    if results[perfect]["score"] != results[perfect]["max_score"]:
        problems.append(f"{what}: the perfect notebook got {results[perfect]['score']}")
    plain = plain_points()
    for name, snippets in hostile.items():
        mine = points(results[name])
        cells = any(s.startswith("cell") for s in snippets)   # a cell could serve every function
        for fn in mine if cells else [s.split("__")[0] for s in snippets]:
            if mine[fn] > plain[fn]:
                problems.append(f"{what}: {name} earned {mine[fn]} on {fn}, the plain wrong answer {plain[fn]}")
    return problems


@pytest.mark.timeout(1800)   # the first run installs the dependencies into the venv
def test_hostile_notebooks_graded_as_an_unprivileged_user(machine, venv, checkout):
    top, site = checkout
    problems = []
    levels = user_levels(venv, top)
    course = top / "course"
    for index, level in enumerate(levels):
        if index == 0:   # nbgrader's own autograde, once: it makes the real gradebook and autograded/
            start = time.monotonic()
            proc = as_user(venv, top, ["depthlab", "autograde", A, str(top / "nbgrader-class"), "--engine", "nbgrader",
                                       "--jobs", "2", "--quiet"], level)
            TIMINGS[f"autograde nbgrader ({level})"] = round(time.monotonic() - start, 1)
            assert proc.returncode == 0, proc.stderr[-3000:]
            results = stored(top, NBGRADER_CLASS)
            problems += check_batch(results, level, {"nbfinders": FINDERS}, "nbperfect",
                                    f"autograde --engine nbgrader at {level}")
            assert (course / "gradebook.db").is_file() and any((course / "autograded").rglob("*.ipynb"))
            site.track([course / "gradebook.db", *(course / "autograded").rglob("*.ipynb"),
                        *(course / "submitted").rglob("*.ipynb")])
        start = time.monotonic()
        proc = as_user(venv, top, ["depthlab", "grade", A, *(str(top / "grade" / f"{n}.ipynb") for n in GRADED),
                                   "--json", "--engine", "direct"], level)
        TIMINGS[f"grade direct ({level})"] = round(time.monotonic() - start, 1)
        results = dict(zip(GRADED, json_results(proc.stdout)))
        if proc.returncode != 0:
            problems.append(f"depthlab grade at {level} exited {proc.returncode}: {proc.stderr[-1500:]}")
        problems += check_batch(results, level, {"finders": FINDERS, "signals": SIGNALS}, "perfect",
                                f"grade at {level}")
        start = time.monotonic()
        proc = as_user(venv, top, ["depthlab", "autograde", A, str(top / "class"), "--engine", "direct", "--jobs", "2",
                                   "--quiet", "--force"], level)
        TIMINGS[f"autograde direct ({level})"] = round(time.monotonic() - start, 1)
        if proc.returncode != 0:
            problems.append(f"depthlab autograde at {level} exited {proc.returncode}: {proc.stderr[-1500:]}")
        problems += check_batch(stored(top, CLASS), level, {"copies": CLASS["copies"], "writes": CLASS["writes"]},
                                "perfect", f"autograde --engine direct at {level}")
        changed = site.changed()
        left = site.markers(home=top / "home", sites=_site_dirs(venv))
        if changed or left:
            problems.append(f"at {level}, changed outside the kernels: {changed + left}")
    _save_timings()
    assert not problems, "\n".join(problems)

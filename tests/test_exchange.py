"""Feedback through nbgrader's real exchange (issue 15, item 4).

The whole round trip with nbgrader's own CLI, in a temporary exchange folder
(``--Exchange.root``, nbgrader's default exchange, nbgrader 0.9.6
``nbgrader/exchange/default/``), a temporary course and a temporary student
home: the instructor releases, the student fetches, fills in the reference
with one mistake and submits, the instructor collects, grades with
``depthlab autograde`` (nbgrader engine: nbgrader's gradebook), writes
depthlab's feedback pages and releases them; the student fetches the feedback.
The course id comes from the course's ``course.toml`` (item 9): the
instructor's commands never name it, the student's say ``--course`` as
nbgrader's student side does.
"""
from __future__ import annotations

import io
from html import escape
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from depthlab import classgen
from depthlab.classgrade import run
from depthlab.feedback import feedback
from depthlab.judge.prepare import load_spec

A = "ps2_vanishing_gradients"
COURSE = "dl-exchange-test"
BIN = Path(sys.executable).parent
STUDENT = "alice"


def nbgrader(*args, cwd: Path, env: dict) -> str:
    """One real ``nbgrader`` command; its log (nbgrader logs on stderr) on failure."""
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)   # one real autograde of the skeleton notebook, plus nine nbgrader commands
def test_feedback_goes_through_nbgraders_exchange_to_the_student(tmp_path, monkeypatch):
    root, home, exchange = tmp_path / "course", tmp_path / "home" / STUDENT, tmp_path / "exchange"
    home.mkdir(parents=True)
    classgen.write_skeleton_course(A, root)
    (root / "course.toml").write_text(f'course_id = "{COURSE}"\n')
    ex = f"--Exchange.root={exchange}"
    base = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DEPTHLAB_ROOT": str(root)}
    teacher = {**base, "HOME": str(tmp_path / "home" / "teacher")}
    # nbgrader names a student by the OS account (nbgrader/utils.py get_username), or by --student, as
    # here: this test runs as one OS user (a JupyterHub gives each student an account of their own)
    student = {**base, "HOME": str(home)}
    me = f"--student={STUDENT}"
    for env in (teacher, student):   # no one's ~/.jupyter config leaks in
        env["JUPYTER_CONFIG_DIR"] = str(Path(env["HOME"]) / ".jupyter")

    # the instructor: generate and release (course id from course.toml through nbgrader_config.py)
    nbgrader("generate_assignment", A, "--force", cwd=root, env=teacher)
    released = nbgrader("release_assignment", A, ex, cwd=root, env=teacher)
    assert (exchange / COURSE / "outbound" / A / f"{A}.ipynb").is_file(), released

    # the student: fetch in their own folder, answer (one function wrong), submit
    nbgrader("fetch_assignment", A, f"--course={COURSE}", ex, cwd=home, env=student)
    fetched = home / A / f"{A}.ipynb"
    assert fetched.is_file()
    test = next(t for t in load_spec(A).tests if t.mistakes)
    wrong = next(iter(test.mistakes))
    answers = {**classgen.reference_sources(A), test.function: wrong.source()}
    nbformat.write(classgen.fill_release(A, answers, release=fetched), str(fetched))
    nbgrader("submit", A, f"--course={COURSE}", me, ex, cwd=home, env=student)

    # the instructor: collect, grade with depthlab (nbgrader engine), feedback, release it
    nbgrader("collect", A, ex, cwd=root, env=teacher)
    submitted = root / "submitted" / STUDENT / A
    assert (submitted / f"{A}.ipynb").is_file() and (submitted / "submission_secret.txt").is_file()
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    monkeypatch.setenv("PATH", base["PATH"])
    summary = run.autograde(A, root=root, jobs=1, stream=io.StringIO(), progress=False)
    assert summary is not None
    [page] = feedback(A, root=root)
    nbgrader("release_feedback", A, ex, cwd=root, env=teacher)

    # the student fetches it into their assignment folder
    nbgrader("fetch_feedback", A, f"--course={COURSE}", me, ex, cwd=home, env=student)
    got = list((home / A / "feedback").glob(f"*/{A}.html"))
    assert len(got) == 1, sorted(p.relative_to(home) for p in home.rglob("*"))
    html = got[0].read_text(encoding="utf-8")
    assert html == page.read_text(encoding="utf-8")          # depthlab's page, not nbgrader's own
    assert f"{A}: feedback for {STUDENT}" in html
    failed = html.split(f"<tr><td>{test.function}</td>", 1)[1].split("</tr>", 1)[0]
    assert 'class=fail' in failed and "Hint:" in failed     # depthlab's message for the failed function
    # no hidden test code and no reference code
    source = nbformat.read(str(root / "source" / A / f"{A}.ipynb"), as_version=4)
    hidden = [c.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0].strip()
              for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source]
    assert hidden and all(h not in html for h in hidden)
    assert "HIDDEN TESTS" not in html
    reference = classgen.reference_sources(A)[test.function]
    assert escape(reference.strip(), quote=False) not in html and reference.strip() not in html

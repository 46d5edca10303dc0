"""Grading a whole class: collecting submissions safely, storing results so a
killed run resumes, grades.csv, and (slow) real batches through nbgrader.

The slow tests grade generated classes in a scratch course holding a skeleton
of ps2 (made from its checks), so they do not depend on the hand-written
notebook's content and stay quick.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import tempfile
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leftovers import wait_for
from depthlab import classgen
from depthlab.judge.results import EventKind
from depthlab.classgrade import collect as collecting, dispatch, gradebook, run
from depthlab.classgrade.collect import MAX_MEMBER_BYTES, Submission, collect, student_from_name
from depthlab.classgrade.export import write_grades_csv
from depthlab.classgrade.progress import Progress
from depthlab.classgrade.store import STORE_VERSION, ResultStore
from depthlab.config import GradingConfig
from depthlab.judge.prepare import load_spec
from depthlab.judge import results as R

A = "ps2_vanishing_gradients"
BIN = Path(sys.executable).parent
NB = nbformat.writes(nbformat.v4.new_notebook()).encode()


# --------------------------------------------------------------------------- names and zips

@pytest.mark.parametrize("name, expected", [
    ("jdoe_123456_7654321_ps2_vanishing_gradients.ipynb", "jdoe"),
    ("jdoe_LATE_123456_7654321_ps2_vanishing_gradients-1.ipynb", "jdoe"),
    ("submission_991/ps2.ipynb", "submission_991"),
    ("alice/ps2_vanishing_gradients.ipynb", "alice"),
    ("bob-ps2_vanishing_gradients.ipynb", "bob"),
    ("carol.ipynb", "carol"),
    ("we ird/../name$.ipynb", "name"),
])
def test_student_id_from_file_name(name, expected):
    assert student_from_name(name, A) == expected


def test_gradescope_ids_come_from_the_metadata():
    assert student_from_name("submission_991/x.ipynb", A, {"submission_991": "s1234"}) == "s1234"


def _zip(path: Path, members: list) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for m in members:
            if isinstance(m, zipfile.ZipInfo):
                zf.writestr(m, b"x")
            else:
                name, data = m
                zf.writestr(name, data)
    return path


def test_zip_extraction_refuses_unsafe_members_one_line_each(tmp_path):
    """Path traversal, absolute paths, symlinks, bombs and oversized members are
    refused with one clear line each; nothing lands outside submitted/; the good
    notebooks are placed; a refused member still gives its student a line."""
    root = tmp_path / "course"
    root.mkdir()
    link = zipfile.ZipInfo("mallory_1_2_ps2.ipynb")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    members = [
        ("alice_100_200_ps2_vanishing_gradients.ipynb", NB),
        ("bob_101_201_ps2_vanishing_gradients.ipynb", NB),
        ("../../evil_1_2_ps2.ipynb", NB),
        ("/tmp/abs_1_2_ps2.ipynb", NB),
        link,
        ("bomb_1_2_ps2.ipynb", b"\0" * (MAX_MEMBER_BYTES + 1)),
        ("ratio_1_2_ps2.ipynb", b" " * 5_000_000),
        ("notes.pdf", b"%PDF"),
        ("__MACOSX/._alice.ipynb", b"junk"),
    ]
    found = collect(A, _zip(tmp_path / "class.zip", members), root=root)
    placed = {s.student: s for s in found.submissions}
    assert placed["alice"].path == root / "submitted" / "alice" / A / f"{A}.ipynb"
    assert placed["alice"].path.read_bytes() == NB
    assert placed["bob"].path.is_file()
    for who, why in [("evil", "leaving the folder"), ("abs", "absolute path"), ("mallory", "symbolic link"),
                     ("bomb", "over 50 MB"), ("ratio", "zip bomb")]:
        assert placed[who].path is None and why in placed[who].rejected, (who, placed[who])
        assert sum(why in line for line in found.problems) == 1, (why, found.problems)
    assert any("notes.pdf: not a notebook" in line for line in found.problems)
    assert not any("MACOSX" in line for line in found.problems)
    assert not (tmp_path / "evil_1_2_ps2.ipynb").exists() and not Path("/tmp/abs_1_2_ps2.ipynb").exists()
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    # besides the notebooks: when each was submitted (the zip's time, nbgrader's
    # timestamp.txt) and who the LMS says each student is
    assert on_disk == [f".depthlab/identities/{A}.json", f"submitted/alice/{A}/{A}.ipynb",
                       f"submitted/alice/{A}/timestamp.txt", f"submitted/bob/{A}/{A}.ipynb",
                       f"submitted/bob/{A}/timestamp.txt"]


def test_reading_a_member_stops_at_the_limit(tmp_path, monkeypatch):
    """The read is capped at the limit whatever the header says (zipfile itself
    also stops at the header's size and checks the CRC); here the limit shrinks."""
    monkeypatch.setattr(collecting, "MAX_MEMBER_BYTES", 1000)
    path = _zip(tmp_path / "c.zip", [("eve_1_2_ps2.ipynb", b"a" * 5000)])
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(ValueError, match="over 0 MB"):
            collecting._read_member(zf, zf.infolist()[0])
        info = zf.infolist()[0]
        info.file_size = 10          # a header that lies: zipfile reads 10 bytes, and the CRC fails
        with pytest.raises(zipfile.BadZipFile):
            collecting._read_member(zf, info)


def test_a_corrupt_zip_is_one_clear_error(tmp_path):
    bad = tmp_path / "broken.zip"
    data = _zip(tmp_path / "ok.zip", [("a_1_2_x.ipynb", NB)]).read_bytes()
    bad.write_bytes(data[:30] + b"\0" * 40 + data[70:])
    found = collect(A, bad, root=tmp_path / "course")
    assert found.submissions[0].path is None
    assert "could not be extracted" in found.submissions[0].rejected


def test_folder_source_and_duplicate_ids(tmp_path):
    src = tmp_path / "downloads"
    (src / "dave").mkdir(parents=True)
    (src / "carol.ipynb").write_bytes(NB)
    (src / f"carol-{A}.ipynb").write_bytes(NB)
    (src / "dave" / f"{A}.ipynb").write_bytes(NB)
    (src / ".ipynb_checkpoints").mkdir()
    (src / ".ipynb_checkpoints" / "x.ipynb").write_bytes(NB)
    root = tmp_path / "course"
    found = collect(A, src, root=root)
    assert sorted(s.student for s in found.submissions) == ["carol", "carol-2", "dave"]
    assert any("already taken" in p for p in found.problems)
    assert all(s.path and s.path.is_file() for s in found.submissions)


def test_submitted_layout_reports_a_misnamed_notebook(tmp_path):
    root = tmp_path / "course"
    (root / "submitted" / "erin" / A).mkdir(parents=True)
    (root / "submitted" / "erin" / A / "Untitled.ipynb").write_bytes(NB)
    (root / "submitted" / "finn" / A).mkdir(parents=True)
    (root / "submitted" / "finn" / A / f"{A}.ipynb").write_bytes(NB)
    found = collect(A, None, root=root)
    subs = {s.student: s for s in found.submissions}
    assert subs["finn"].path is not None
    assert subs["erin"].path is None and "Untitled.ipynb" in subs["erin"].rejected


def test_notebooks_nbgrader_would_refuse_are_upgraded_in_place(tmp_path):
    base = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("hi")])
    good = tmp_path / "good.ipynb"
    nbformat.write(base, str(good))
    before = good.read_bytes()
    assert not collecting.normalise_for_nbgrader(good) and good.read_bytes() == before
    v3 = tmp_path / "v3.ipynb"
    v3.write_text(nbformat.writes(nbformat.convert(base, 3), version=3))
    old = json.loads(before)
    old["nbformat_minor"] = 0
    for cell in old["cells"]:
        cell.pop("id")
    v40 = tmp_path / "v40.ipynb"
    v40.write_text(json.dumps(old))
    dup = json.loads(before)
    dup["cells"][1]["id"] = dup["cells"][0]["id"]
    dups = tmp_path / "dup.ipynb"
    dups.write_text(json.dumps(dup))
    for path in (v3, v40, dups):
        assert collecting.normalise_for_nbgrader(path), path.name
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
        assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
        assert len({c.id for c in nb.cells}) == 2 and [c.source for c in nb.cells] == ["x = 1", "hi"]
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert not collecting.normalise_for_nbgrader(broken) and broken.read_text() == "{not json"


#: cell ids as students' files hold them: valid, duplicated (drawn twice), malformed, not strings, absent
_VALID_IDS = st.sampled_from(["a", "b", "cell-1", "x_2", "A" * 64])
_IDS = st.one_of(_VALID_IDS, st.sampled_from(["", "a b", "é", "A" * 65]), st.integers(0, 3), st.none(), st.just(...))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.one_of(st.lists(_VALID_IDS, max_size=6), st.lists(_IDS, max_size=6)),
       minor=st.sampled_from([4, 5, 6, "5"]), odd=st.sampled_from([None, 1, []]), at=st.integers(0, 6))
def test_the_quick_look_leaves_only_what_the_full_check_would_leave(tmp_path, ids, minor, odd, at):
    """normalise_for_nbgrader's quick look at the JSON (nbgrader_reads_as_is) keeps a
    file only when nbformat reads it as 4.5 or later and its normalisation would change none
    of its cell ids (or cannot read it: grading reports that); the full read upgrades the others."""
    cells = []
    for i, cid in enumerate(ids):
        cell = {"cell_type": "code", "source": f"x = {i}", "metadata": {}, "outputs": [], "execution_count": None}
        if cid is not ...:
            cell["id"] = cid
        cells.append(cell)
    if odd is not None:   # a cell that is not an object
        cells.insert(min(at, len(cells)), odd)
    raw = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": minor}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(raw))
    before = path.read_bytes()
    if collecting.nbgrader_reads_as_is(raw):
        assert not collecting.normalise_for_nbgrader(path) and path.read_bytes() == before
        try:
            as_read = collecting.read_notebook(path)
        except collecting.SubmissionError:
            return
        assert (as_read.nbformat, as_read.nbformat_minor >= 5) == (4, True), "the quick look kept a file nbgrader refuses"
        upgraded = collecting.with_cell_ids(as_read)
        assert [c["id"] for c in upgraded.cells] == ids, "the quick look kept a file nbformat would change"
    else:
        if collecting._rewrite_for_nbgrader(path):
            assert collecting.nbgrader_reads_as_is(json.loads(path.read_bytes())), \
                "a rewritten file is one the quick look keeps"
            nbformat.validate(nbformat.reads(path.read_text(), as_version=4))
        else:   # unreadable by nbformat: left for grading to report
            assert path.read_bytes() == before


def test_the_quick_look_keeps_a_released_notebook_and_refuses_what_nbgrader_would():
    base = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")] * 2)))
    base["cells"][1] = dict(base["cells"][1], id="other")
    assert collecting.nbgrader_reads_as_is(base)
    for change in ({"nbformat_minor": 4}, {"nbformat": 3},
                   {"cells": [dict(base["cells"][0]), dict(base["cells"][0])]},
                   {"cells": [dict(base["cells"][0], id="a b")]}, {"cells": [1]}):
        assert not collecting.nbgrader_reads_as_is({**base, **change}), change


# --------------------------------------------------------------------------- the store and grades.csv

def _result(student, points, error=None, flags=()):
    spec = load_spec(A)
    tests = tuple(R.TestResult(t.test_id, t.function, float(points.get(t.function, 0.0)), float(t.points),
                             points.get(t.function, 0.0) == t.points, "msg") for t in spec.tests)
    return R.NotebookResult(A, f"{student}.ipynb", "direct", tests, tuple(flags), error, student=student,
                            isolation="namespace")


def test_store_writes_whole_files_only(tmp_path):
    store = ResultStore(A, tmp_path)
    entry = {"version": STORE_VERSION, "student": "s1", "record": _result("s1", {"sigmoid": 2}).to_record()}
    store.save(entry)
    assert store.load("s1") == json.loads(json.dumps(entry))
    assert [p.name for p in store.folder.iterdir()] == ["s1.json"]          # no temporary left behind
    (store.folder / "s2.json").write_text('{"version": 1, "student": "s2", "rec')  # a torn write by something else
    (store.folder / ".s3.json.abc.tmp").write_text("{}")
    assert store.load("s2") is None
    assert [r.student for r in store.results()] == ["s1"]


def test_grades_csv_has_a_column_per_test_and_a_total(tmp_path):
    spec = load_spec(A)
    results = [_result("bob", {"sigmoid": 2, "backprop_chain": 3}),
               _result("amy", {}, error="not a notebook"),
               _result("cat", {"sigmoid": 1}, flags=[R.IntegrityFlag("monkeypatch", "replaces np.allclose")])]
    path = write_grades_csv(results, spec, tmp_path / "grades.csv")
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0] == ["student", *[t.test_id for t in spec.tests], "total", "max_total", "notes", "isolation"]
    assert [r[0] for r in rows[1:]] == ["amy", "bob", "cat"]
    bob = dict(zip(rows[0], rows[2]))
    assert bob["test_sigmoid"] == "2" and bob["test_backprop_chain"] == "3" and bob["total"] == "5"
    assert bob["max_total"] == f"{spec.max_score:g}"
    assert "not graded: not a notebook" in rows[1][-2]
    assert rows[3][-2] == "monkeypatch"
    assert bob["isolation"] == "namespace"


def test_progress_prints_lines_with_time_left_when_not_a_terminal():
    """A log gets whole lines (no carriage returns), about one per 10 %, each with
    the label, the count, the elapsed time, the time left and the last notebook."""
    out = io.StringIO()
    bar = Progress(20, label="ps2", stream=out)
    for i in range(20):
        bar.update(f"s{i} 1/2")
    bar.close()
    assert "\r" not in out.getvalue()
    lines = out.getvalue().splitlines()
    assert 5 <= len(lines) <= 11
    assert all(l.startswith("ps2 [") and "elapsed" in l and " left" in l for l in lines)
    counts = [int(l.split("] ", 1)[1].split("/", 1)[0]) for l in lines]
    assert counts == sorted(counts) and counts[-1] == 20
    assert lines[-1].endswith("s19 1/2") and "00:00 left" in lines[-1]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_redraws_one_bar_on_a_terminal():
    out = _Terminal()
    bar = Progress(5, label="ps2", stream=out)
    for i in range(5):
        bar.update(f"s{i} 1/2")
    bar.close()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.count("\r") >= 2       # redrawn in place, one line left behind
    last = text.rstrip("\n").rsplit("\r", 1)[-1]
    assert last.startswith("ps2 [") and "5/5" in last and "elapsed" in last and "s4 1/2" in last


# --------------------------------------------------------------------------- the worker pool

def _speak(conn, answer) -> None:
    """The workers' protocol: ready, then ``answer(student)`` for each task until None."""
    conn.send(("ready", os.getpid(), None, None))
    while True:
        task = conn.recv()
        if task is None:
            return
        student, _path = task
        conn.send(("done", os.getpid(), student, answer(student)))


def fake_worker(conn, setup):
    """Speaks the workers' protocol; "crash" dies at once, "hang" never answers."""
    def answer(student):
        if student.startswith("crash"):
            os._exit(3)
        if student.startswith("hang"):
            time.sleep(600)
        return {"student": student, "by": os.getpid()}
    _speak(conn, answer)


def telling_worker(conn, setup):
    """Answers each task with what the worker process holds when it starts grading."""
    _speak(conn, lambda student: {
        "mark": os.environ.get("DEPTHLAB_TEST_MARK"), "tmp": tempfile.gettempdir(),
        "parent": " ".join(psutil.Process(os.getppid()).cmdline()),
        "preloaded": "nbgrader.apps" in sys.modules and "depthlab.classgrade.worker" in sys.modules})


def test_workers_fork_from_a_preloaded_server_with_the_batchs_environment(tmp_path, monkeypatch):
    """Workers are forked by multiprocessing's fork server, which imported nbgrader and
    depthlab once for them; yet each worker has the environment the batch has when it
    starts it, not the one the server started with in an earlier run of this process."""
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    subs = {s: (Submission(s, tmp_path / f"{s}.ipynb", f"{s}.ipynb"), "sha") for s in ("s1", "s2")}
    seen = []
    for mark in ("first", "second"):
        temp = tmp_path / mark
        temp.mkdir()
        monkeypatch.setenv("DEPTHLAB_TEST_MARK", mark)
        monkeypatch.setenv("TMPDIR", str(temp))
        answers: dict = {}
        dispatch.run_workers(A, "direct", root, GradingConfig(), [(s, "p") for s in subs], 2, 0,
                             lambda s, rec: answers.setdefault(s, rec), subs, target=telling_worker)
        assert sorted(answers) == ["s1", "s2"]
        for rec in answers.values():
            assert rec["mark"] == mark and rec["tmp"] == str(temp), rec
            assert "multiprocessing.forkserver" in rec["parent"] and rec["preloaded"], rec
        seen.append(answers)
    monkeypatch.setenv("DEPTHLAB_WORKER_FORKSERVER", "0")      # the way back: spawned workers
    answers = {}
    dispatch.run_workers(A, "direct", root, GradingConfig(), [("s1", "p")], 1, 0,
                         lambda s, rec: answers.setdefault(s, rec), subs, target=telling_worker)
    assert "forkserver" not in answers["s1"]["parent"] and answers["s1"]["mark"] == "second"


@pytest.mark.slow
def test_a_crashing_or_stuck_worker_costs_only_its_notebook(tmp_path, monkeypatch):
    """Each task gets exactly one answer: the dead worker's and the stuck worker's
    notebooks become ungraded lines, fresh workers grade the rest."""
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    monkeypatch.setattr(dispatch, "STUCK_GRACE", 2.0)
    students = ["crash0", "a1", "crash1", "a2", "hang1", "a3", "a4", "a5"]
    answers: dict = {}
    subs = {s: (Submission(s, tmp_path / f"{s}.ipynb", f"{s}.ipynb"), "sha") for s in students}
    dispatch.run_workers(A, "direct", root, GradingConfig(notebook_timeout=1.0), [(s, "p") for s in students],
                         2, 0, lambda s, rec: answers.setdefault(s, []).append(rec), subs, target=fake_worker)
    assert sorted(answers) == sorted(students) and all(len(v) == 1 for v in answers.values())
    assert all(answers[s][0] == {"student": s, "by": answers[s][0]["by"]} for s in students if s[0] == "a")
    for s in ("crash0", "crash1"):
        crashed = R.NotebookResult.from_record(answers[s][0])
        assert crashed.error == "grading crashed (worker process exit code 3)" and crashed.student == s
    stuck = R.NotebookResult.from_record(answers["hang1"][0])
    assert stuck.error == "grading took longer than 3 s and was stopped"
    assert len({answers[s][0]["by"] for s in students if s[0] == "a"}) >= 2   # replacements took over


# --------------------------------------------------------------------------- real batches (slow)

def _course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    return root


def _env(root: Path, **extra) -> dict:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["DEPTHLAB_ROOT"] = str(root)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _gradebook_scores(root: Path) -> dict:
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db", "depthlab") as gb:
        out = {}
        for sub in gb.find_assignment(A).submissions:
            nb = sub.notebooks[0]
            out[sub.student.id] = {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades}
            out[sub.student.id].update({f"comment:{c.name}": c.auto_comment for c in nb.comments})
        return out


@pytest.mark.slow
def test_a_class_with_broken_and_hostile_submissions(tmp_path, monkeypatch):
    """One unreadable file, a monkeypatcher and an infinite loop do not stop the
    batch; each gets its own line; the gradebook holds exactly the scores of the
    results, and matches what plain `nbgrader autograde` stores."""
    root = _course(tmp_path)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    roster = classgen.generate_class(A, 6, root, seed=11, hostile=["not_a_notebook", "monkeypatch", "infinite_loop"])
    old_format = roster.files[roster.students[5].id]      # saved by an old Jupyter: nbformat 3
    old_format.write_text(nbformat.writes(nbformat.convert(nbformat.read(str(old_format), 4), 3), version=3))
    config = GradingConfig(test_timeout=2.0, cell_timeout=5.0)
    err = io.StringIO()
    summary = run.autograde(A, root=root, jobs=2, config=config, stream=err)
    ids = [s.id for s in roster.students]
    by = {r.student: r for r in summary.results}
    assert sorted(by) == sorted(ids) and sorted(summary.graded) == sorted(ids)
    spec = load_spec(A)
    assert by[ids[0]].score == spec.max_score and not by[ids[0]].error          # the reference
    assert by[ids[1]].score == 0 and not by[ids[1]].error                       # the blank notebook
    assert [s.hostile for s in roster.students[2:5]] == ["not_a_notebook", "monkeypatch", "infinite_loop"]
    assert "not a notebook" in by[ids[2]].error
    assert any(f.kind == "monkeypatch" for f in by[ids[3]].integrity)
    looping = roster.students[4].answers[-1].function
    loop = by[ids[4]]
    assert any(e.kind == EventKind.TIMEOUT and "timed out" in e.detail for e in loop.events), loop.events
    assert [(t.function, t.points) for t in loop.tests if t.status == "timeout"] == [(looping, 0.0)]
    assert not by[ids[5]].error and all(t.status == "graded" for t in by[ids[5]].tests)   # the nbformat 3 file
    # grades.csv
    rows = list(csv.DictReader(summary.csv_path.open()))
    assert [r["student"] for r in rows] == sorted(ids)
    assert all(float(r["total"]) == by[r["student"]].score for r in rows)
    # the gradebook agrees with the results
    stored = _gradebook_scores(root)
    # the run's own questions to it, read with sqlite3 (no nbgrader import), answer as nbgrader does
    assert gradebook._read_gradebook(root, "SELECT count(*) FROM submitted_assignment") is not None, \
        "nbgrader's schema changed: the parent process falls back to importing nbgrader"
    assert gradebook.gradebook_students(A, root) == set(stored)
    assert gradebook._assignment_in_gradebook(A, root) and not gradebook._assignment_in_gradebook("ps9", root)
    for sid in ids:
        r = by[sid]
        if r.error:
            continue
        auto = stored[sid]
        assert abs(sum(auto[t.id][0] for t in r.tests) - r.score) < 1e-6, sid
        assert (root / "autograded" / sid / A / f"{A}.ipynb").is_file()
    # ... and with what nbgrader autograde itself stores for the same submission
    sid = ids[3]
    before = stored[sid]
    proc = subprocess.run([str(BIN / "nbgrader"), "autograde", A, "--student", sid, "--force"], cwd=root,
                          env=_env(root, DEPTHLAB_TEST_TIMEOUT=2, DEPTHLAB_CELL_TIMEOUT=5),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _gradebook_scores(root)[sid] == before


def _processes(root: Path) -> tuple[set, dict]:
    """Live worker processes of a batch on ``root``, and every kernel: {pid: the pid it was started by}."""
    workers, kernels = set(), {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            env = (p / "environ").read_bytes().split(b"\0")
            cmdline = (p / "cmdline").read_bytes()
        except OSError:
            continue
        if f"DEPTHLAB_ROOT={root}".encode() in env and (b"spawn_main" in cmdline or _forked_worker(p, cmdline)):
            workers.add(int(p.name))
        for item in env:
            if item.startswith(b"JPY_PARENT_PID="):
                kernels[int(p.name)] = int(item.split(b"=")[1])
    return workers, kernels


def _forked_worker(proc: Path, cmdline: bytes) -> bool:
    """A worker forked by multiprocessing's fork server: its command line is the server's,
    and its parent is the server (the server's parent is the batch)."""
    if b"multiprocessing.forkserver" not in cmdline:
        return False
    try:
        ppid = (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
        return b"multiprocessing.forkserver" in Path(f"/proc/{ppid}/cmdline").read_bytes()
    except (OSError, IndexError):
        return False


def _kernels_of(workers: set) -> set:
    return {pid for pid, parent in _processes(Path("/nonexistent"))[1].items() if parent in workers}


def _kill(pids: set) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.mark.slow
def test_killed_runs_resume_without_regrading_or_losing_anything(tmp_path):
    """Ctrl-C, then kill -9, then a clean run: every result finished before a kill
    is kept byte for byte, nothing is graded twice after it finished, and in the
    end every student has a result and a gradebook entry; no worker or kernel
    outlives either kill."""
    root = _course(tmp_path)
    roster = classgen.generate_class(A, 5, root, seed=21)
    store = ResultStore(A, root)
    cmd = [str(BIN / "depthlab"), "autograde", A, "--jobs", "1"]

    def run_until(n_results: int, sig: int) -> tuple:
        log_path = tmp_path / f"log-{sig}.txt"
        proc = subprocess.Popen(cmd, cwd=root, env=_env(root), stdout=log_path.open("w"), stderr=subprocess.STDOUT,
                                start_new_session=True)
        workers: set = set()
        try:
            assert wait_for(lambda: len(list(store.folder.glob("*.json"))) >= n_results, 240, proc), \
                log_path.read_text()
            assert proc.poll() is None, "the batch finished before it could be killed"
            workers = _processes(root)[0]
            assert workers, "no worker process found"
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, sig)     # a crash: the batch and its workers die at once
            else:
                proc.send_signal(sig)        # Ctrl-C
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        gone = wait_for(lambda: not (workers & _processes(root)[0]) and not _kernels_of(workers), 20)
        _kill(_kernels_of(workers))
        assert gone, f"workers or kernels outlived {signal.Signals(sig).name}"
        return {p.stem: p.read_bytes() for p in store.folder.glob("*.json")}, proc.returncode

    first, code = run_until(1, signal.SIGINT)
    assert code == 130
    assert "interrupted" in (tmp_path / f"log-{signal.SIGINT}.txt").read_text()
    second, _ = run_until(len(first) + 1, signal.SIGKILL)
    assert all(second[s] == first[s] for s in first), "a finished result was regraded"
    summary = run.autograde(A, root=root, jobs=1, progress=False)
    ids = {s.id for s in roster.students}
    assert set(summary.skipped) == set(second) and set(summary.graded) == ids - set(second)
    final = {p.stem: p.read_bytes() for p in store.folder.glob("*.json")}
    assert set(final) == ids
    assert all(final[s] == second[s] for s in second)
    assert set(_gradebook_scores(root)) == ids


POOL_SCRIPT = """
import sys, time
from depthlab.classgrade.pool import KernelPool
from depthlab.config import GradingConfig
pool = KernelPool(GradingConfig(), size=1)
k = pool.take()
k.start()
print("ready", flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_a_kernel_dies_with_its_killed_worker(tmp_path):
    """kill -9 of a grading process takes its kernels down (a pre-started one too),
    with or without namespace isolation."""
    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT], stdout=subprocess.PIPE, text=True,
                            env=_env(tmp_path), start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert wait_for(lambda: len(_kernels_of({proc.pid})) >= 2, 60), "expected the used and a pre-started kernel"
        kernels = _kernels_of({proc.pid})
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        gone = wait_for(lambda: not _kernels_of({proc.pid}), 8)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _kill(_kernels_of({proc.pid}))
    assert gone, f"kernels {sorted(kernels)} outlived their killed grader"


@pytest.mark.slow
def test_a_zip_of_notebooks_is_graded_by_student_id(tmp_path):
    root = _course(tmp_path)
    roster = classgen.make_class(A, 3, seed=4)
    zpath = classgen.write_class(roster, tmp_path / "canvas.zip", layout="zip", root=root).path
    with zipfile.ZipFile(zpath, "a") as zf:
        zf.writestr("../escape_9_9_x.ipynb", NB)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    err = io.StringIO()
    summary = run.autograde(A, zpath, root=root, engine="direct", jobs=1, stream=err, progress=False)
    by = {r.student: r for r in summary.results}
    assert set(by) == {s.id for s in roster.students} | {"escape"}
    assert by["escape"].error and "leaving the folder" in by["escape"].error
    assert by[roster.students[0].id].score == load_spec(A).max_score
    assert "escape_9_9_x.ipynb" in err.getvalue()

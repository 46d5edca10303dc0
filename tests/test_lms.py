"""The instructor's term: submissions in from an LMS zip (who and when), final
grades (auto-graded points + the TA's scores - the late penalty) out of the
gradebook, into the files Canvas and Moodle import.

Each sample is laid out as the LMS writes it; the source of each layout is
cited where the sample is built.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from depthlab import classgen
from depthlab.classgrade import run
from depthlab.classgrade.collect import collect, student_from_name
from depthlab.classgrade.gradebook import final_grades, open_gradebook
from depthlab.classgrade.identities import load_identities
from depthlab.config import AssignmentTerms, CourseConfigError, load_course
from depthlab.engines.late_penalty import penalty
from depthlab.judge.prepare import load_spec
from depthlab.lms import canvas, identity, moodle
from depthlab.lms.export import export
from depthlab.lms.roster import Graded, RosterError, Table

A = "ps2_vanishing_gradients"
BIN = Path(sys.executable).parent
UTC = dt.timezone.utc
DUE = dt.datetime(2026, 10, 1, 23, 59, tzinfo=UTC)


# --------------------------------------------------------------------------- sample builders

def canvas_name(sortable: str, user_id: int, attachment_id: int, file: str, late: bool = False) -> str:
    """A file of Canvas's "Download Submissions" zip: ``<name>[_LATE]_<user id>_<attachment id>_<file>``,
    as shown by https://github.com/mikewesthad/canvas-unzipper (README) and
    https://github.com/TimHanneman/Canvas_submission_sort (README: the late field)."""
    return f"{sortable}{'_LATE' if late else ''}_{user_id}_{attachment_id}_{file}"


def moodle_folder(full_name: str, participant: int) -> str:
    """A folder of Moodle's "Download all submissions" zip: moodle/moodle
    mod/assign/locallib.php download_submissions(): clean_filename(fullname . '_' .
    get_uniqueid_for_user()) . '_' . 'assignsubmission' . '_' . 'file' . '_'."""
    return f"{full_name}_{participant}_assignsubmission_file_"


def gradescope_metadata(entries: dict) -> bytes:
    """Gradescope's export ``submission_metadata.yml``: folder -> ``:submitters:`` (``:name:``,
    ``:sid:``, ``:email:``) and ``:created_at:``, Ruby symbols as keys; keys as read by
    otter-grader's Gradescope parser (``metadata[folder][":submitters"]``) and by export
    readers on GitHub (``submissions[s][":submitters"][0][":sid"]``, ``[":created_at"]``)."""
    data = {folder: {":submitters": [{":name": n, ":sid": s, ":email": e} for n, s, e in people],
                     ":created_at": created, ":score": 0.0, ":status": "processed"}
            for folder, (people, created) in entries.items()}
    return yaml.safe_dump(data, sort_keys=False).encode()


def canvas_roster(rows: list, extra_assignment: str = "ps1_gradient_ratios (71001)",
                  points: str = "25.00", manual_posting: bool = True) -> str:
    """A Canvas gradebook export as instructure/canvas-lms lib/gradebook_exporter.rb writes it
    (include_sis_id): header Student, ID, SIS User ID, SIS Login ID, Section, assignments
    titled "<name> (<id>)", read-only totals; the manual-posting row (first cells empty);
    the "    Points Possible" row; one row per student; the Test Student last."""
    totals = ["Current Score", "Unposted Current Score", "Final Score", "Unposted Final Score"]
    out = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", extra_assignment,
            f"{A} (71002)", *totals]]
    if manual_posting:
        out.append(["", "", "", "", "", "", "Manual Posting", *[""] * 4])
    out.append(["    Points Possible", "", "", "", "", "26.00", points, *["(read only)"] * 4])
    for name, uid, sis in rows:
        out.append([name, str(uid), sis, sis, "Section 1", "20.00", "", "", "", "", ""])
    out.append(["Student, Test", "4199999", "", "d41d8cd98f00b204e9800998ecf8427e", "Section 1", "", "",
                "", "", "", ""])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out)
    return buf.getvalue()


def moodle_export(rows: list) -> str:
    """Moodle's Grades > Export > Plain text file, laid out as Moodle's own import test
    fixture (moodle/moodle grade/import/csv/tests/load_data_test.php, $csvtext): "First name",
    Surname, "ID number", Institution, Department, "Email address", "Assignment: <name>",
    "Course total", "Last downloaded from this course"."""
    out = [["First name", "Surname", "ID number", "Institution", "Department", "Email address",
            f"Assignment: {A}", "Course total", "Last downloaded from this course"]]
    for first, last, idnumber, email in rows:
        out.append([first, last, idnumber, "Moodle HQ", "Rock on!", email, "-", "56.00", "1759363200"])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out)
    return buf.getvalue()


def _zip(path: Path, members: list) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, when in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data)
    return path


NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


# --------------------------------------------------------------------------- identity

@pytest.mark.parametrize("name, who", [
    (canvas_name("abaraada", 4100001, 5550001, f"{A}.ipynb"), ("abaraada", "4100001", "5550001", False)),
    (canvas_name("bergben", 4100002, 5550002, f"{A}-1.ipynb", late=True), ("bergben", "4100002", "5550002", True)),
])
def test_canvas_names_keep_user_id_submission_id_and_late(name, who):
    got = identity.canvas(name)
    assert (got.name, got.user_id, got.submission_id, got.late) == who
    assert student_from_name(name, A) == who[0]


def test_moodle_folders_keep_the_participant_id():
    got = identity.moodle(f"{moodle_folder('Jane Doe', 81234)}/{A}.ipynb")
    assert (got.lms, got.name, got.participant_id) == ("moodle", "Jane Doe", "81234")
    assert student_from_name(f"{moodle_folder('Jane Doe', 81234)}/{A}.ipynb", A) == "Jane-Doe"
    # blind marking names everyone "Participant"; the id tells them apart
    assert student_from_name(f"{moodle_folder('Participant', 7)}/{A}.ipynb", A) == "participant7"


def test_gradescope_metadata_gives_every_member_of_a_group_and_the_time():
    data = yaml.safe_load(gradescope_metadata({"submission_111": (
        [("Dev Dahl", "s2004", "dev@uni.edu"), ("Elif Eze", "s2005", "elif@uni.edu")],
        "2026-10-01 18:00:00.000000000 -07:00")}))
    got = identity.gradescope_metadata(data)["submission_111"]
    assert [m.sid for m in got.members] == ["s2004", "s2005"]
    assert got.submitted_at == dt.datetime(2026, 10, 2, 1, 0, tzinfo=UTC)


def test_a_canvas_zip_keeps_identity_and_time(tmp_path):
    """timestamp.txt in nbgrader's format beside each notebook; Canvas's LATE marker wins over the zip's time."""
    root = tmp_path / "course"
    zpath = _zip(tmp_path / "canvas.zip", [
        (canvas_name("abaraada", 4100001, 5550001, f"{A}.ipynb"), NB, dt.datetime(2026, 10, 1, 20, 0)),
        (canvas_name("bergben", 4100002, 5550002, f"{A}.ipynb", late=True), NB, dt.datetime(2026, 10, 3, 10, 0)),
        (canvas_name("castrochloe", 4100003, 5550003, f"{A}.ipynb", late=True), NB, dt.datetime(2026, 10, 1, 9, 0)),
    ])
    found = collect(A, zpath, root=root, terms=AssignmentTerms(due=DUE))
    stamps = {s.student: (s.path.parent / "timestamp.txt").read_text().strip() for s in found.submissions}
    assert stamps == {"abaraada": "2026-10-01 20:00:00.000000 UTC", "bergben": "2026-10-03 10:00:00.000000 UTC",
                      "castrochloe": "2026-10-01 23:59:01.000000 UTC"}   # LATE, zip time early: 1 s after the due
    assert any("castrochloe" in p and "counted 1 second late" in p for p in found.problems)
    from nbgrader.utils import parse_utc   # nbgrader reads them back
    assert parse_utc(stamps["bergben"]) == dt.datetime(2026, 10, 3, 10, 0)
    ids = load_identities(root, A)
    assert (ids["bergben"].user_id, ids["bergben"].late) == ("4100002", True)


def test_a_gradescope_group_is_graded_once_and_remembers_its_members(tmp_path):
    root = tmp_path / "course"
    meta = gradescope_metadata({"submission_111": (
        [("Dev Dahl", "s2004", "dev@uni.edu"), ("Elif Eze", "s2005", "elif@uni.edu")], "2026-10-01 18:00:00 -0700")})
    zpath = _zip(tmp_path / "gs.zip", [("submission_metadata.yml", meta, dt.datetime(2026, 10, 5)),
                                       ("submission_111/answers.ipynb", NB, dt.datetime(2026, 10, 5))])
    found = collect(A, zpath, root=root, terms=AssignmentTerms(due=DUE))
    assert [s.student for s in found.submissions] == ["s2004"]
    assert (root / "submitted" / "s2004" / A / "timestamp.txt").read_text().startswith("2026-10-02 01:00:00")
    assert [m.sid for m in load_identities(root, A)["s2004"].members] == ["s2004", "s2005"]


# --------------------------------------------------------------------------- configuration

def test_course_toml_gives_course_id_due_dates_extensions_and_penalty(tmp_path):
    (tmp_path / "course.toml").write_text(
        'course_id = "dl-fall"\n[late_penalty]\nmethod = "per_day"\nper_day = 0.25\n'
        f'[assignments.{A}]\ndue = 2026-10-01T23:59:00Z\nextensions = {{ castrochloe = 48 }}\n')
    course = load_course(tmp_path)
    assert (course.course_id, course.late_penalty, course.per_day) == ("dl-fall", "per_day", 0.25)
    assert course.terms(A).due == DUE and course.terms(A).extension_hours("castrochloe") == 48.0
    from depthlab.engines.nbgrader_engine import nbgrader_config
    c = nbgrader_config(tmp_path)
    assert c.CourseDirectory.course_id == "dl-fall" and c.PerDayLatePenalty.per_day == 0.25


@pytest.mark.parametrize("text, says", [
    ('[late_penalty]\nmethod = "half"\n', "use none, zero or per_day"),
    (f'[assignments.{A}]\ndue = "next friday-ish"\n', "is not a date"),
    (f'[assignments.{A}]\nextensions = {{ bob = "two days" }}\n', "maps student ids to hours"),
    ("course_id = \n", "not valid TOML"),
])
def test_a_bad_course_toml_says_what_and_how_to_fix(tmp_path, text, says):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(CourseConfigError, match=says):
        load_course(tmp_path)


def test_per_day_penalty_counts_started_days_and_never_exceeds_the_score():
    assert penalty(20.0, 0, 0.1) == 0.0
    assert penalty(20.0, 1, 0.1) == pytest.approx(2.0)
    assert penalty(20.0, 86400 * 1.5, 0.1) == pytest.approx(4.0)
    assert penalty(20.0, 86400 * 30, 0.1) == 20.0


# --------------------------------------------------------------------------- Canvas and Moodle files

ROSTER = [("Abara, Ada", 4100001, "a001"), ("Berg, Ben", 4100002, "b002"), ("Fischer, Farid", 4100006, "f006")]


def test_canvas_roster_gets_the_column_filled_and_nothing_else_changed(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(canvas_roster(ROSTER))
    before = Table.read(path)
    table = canvas.read_roster(path)
    graded = [Graded("abaraada", A, 23.0, 25.0, identity.canvas(canvas_name("abaraada", 4100001, 1, "x.ipynb"))),
              Graded("b002", A, 20.4, 25.0),                           # found by SIS User ID
              Graded("ghostgus", A, 11.0, 25.0, identity.canvas(canvas_name("ghostgus", 4100099, 2, "x.ipynb")))]
    res = canvas.fill(table, A, graded)
    col = table.column(f"{A} (71002)")
    assert res["column"] == f"{A} (71002)" and not res["created"]
    by_id = {r[1]: r for r in table.rows}
    assert by_id["4100001"][col] == "23" and by_id["4100002"][col] == "20.4" and by_id["4100006"][col] == ""
    assert [g.student for g in res["unknown"]] == ["ghostgus"]                     # listed, not invented
    assert res["missing"] == ["Fischer, Farid", "Student, Test"]
    assert len(table.rows) == len(before.rows) and table.header == before.header
    for old, new in zip(before.rows, table.rows):                                 # only that column changed
        assert [c for i, c in enumerate(old) if i != col] == [c for i, c in enumerate(new) if i != col]
    assert table.rows[0][col] == "Manual Posting" and table.rows[1][col] == "25.00"


def test_the_roster_comes_back_byte_for_byte_where_nothing_was_filled(tmp_path):
    """Line ends, quoting and Canvas's optional byte-order mark (include_bom) survive."""
    for text, bom in ((canvas_roster(ROSTER), b""), (canvas_roster(ROSTER).replace("\n", "\r\n"), b"\xef\xbb\xbf")):
        path = tmp_path / "export.csv"
        path.write_bytes(bom + text.encode())
        assert Table.read(path).text().encode("utf-8") == path.read_bytes()


def test_canvas_points_possible_that_disagree_are_reported(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(canvas_roster(ROSTER, points="10.00", manual_posting=False))
    res = canvas.fill(canvas.read_roster(path), A, [Graded("a001", A, 20.0, 25.0)])
    assert "worth 10.00 points" in res["note"]


def test_an_assignment_canvas_does_not_have_yet_gets_a_new_column(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(canvas_roster(ROSTER).replace(f"{A} (71002)", "Quiz 1 (71009)"))
    table = canvas.read_roster(path)
    res = canvas.fill(table, A, [Graded("a001", A, 20.0, 25.0)])
    assert res["created"] and table.header[-1] == A
    assert table.rows[1][-1] == "25"                                            # its Points Possible


def test_not_a_canvas_export_is_refused_with_the_way_to_get_one(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("student,total\nalice,3\n")
    with pytest.raises(RosterError, match="Export Entire Gradebook"):
        canvas.read_roster(path)


def test_moodle_grade_import_is_keyed_by_email_or_id_number(tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text(moodle_export([("Jane", "Doe", "s2004", "jane@uni.edu"), ("Ola", "Berg", "", "ola@uni.edu"),
                                   ("Kim", "Lee", "s3000", "kim@uni.edu")]))
    table = moodle.read_roster(path)
    graded = [Graded("s2004", A, 23.0, 25.0),
              Graded("ola", A, 12.5, 25.0, identity.Identity("gradescope", email="ola@uni.edu")),
              Graded("Zed-Who", A, 1.0, 25.0, identity.moodle(f"{moodle_folder('Zed Who', 5)}/x.ipynb"))]
    res = moodle.fill(table, A, graded)
    col = table.column(f"Assignment: {A}")
    assert [r[col] for r in table.rows] == ["23", "12.5", "-"]
    assert [g.student for g in res["unknown"]] == ["Zed-Who"] and res["missing"] == ["Kim Lee"]


# --------------------------------------------------------------------------- the whole term, real nbgrader

def _course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    (root / "course.toml").write_text(
        'course_id = "dl-fall"\n[late_penalty]\nmethod = "per_day"\nper_day = 0.1\n'
        f'[assignments.{A}]\ndue = 2026-10-01T23:59:00Z\nextensions = {{ castrochloe = 48 }}\n')
    return root


@pytest.mark.slow
@pytest.mark.timeout(1200)   # five nbgrader autogrades: minutes on a loaded 2-core machine
def test_late_lms_submissions_group_members_and_ta_scores_reach_canvas_as_nbgrader_exports_them(tmp_path,
                                                                                                monkeypatch):
    """A Canvas zip (on time, two days late, late within an extension, one not on the roster)
    and a Gradescope group submission one hour late, graded by real nbgrader; a TA's
    written-answer score; the Canvas file has auto + manual - penalty for every member,
    and nbgrader's own `nbgrader export` agrees with every final grade."""
    root = _course(tmp_path)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    ref = classgen.write_class(classgen.make_class(A, 1, seed=3), tmp_path / "flat", layout="flat", root=root)
    nb = next(iter(ref.files.values())).read_bytes()                       # the reference answers
    canvas_zip = _zip(tmp_path / "canvas.zip", [
        (canvas_name("abaraada", 4100001, 5550001, f"{A}.ipynb"), nb, dt.datetime(2026, 10, 1, 20, 0)),
        (canvas_name("bergben", 4100002, 5550002, f"{A}.ipynb", late=True), nb, dt.datetime(2026, 10, 3, 10, 0)),
        (canvas_name("castrochloe", 4100003, 5550003, f"{A}.ipynb", late=True), nb,
         dt.datetime(2026, 10, 3, 10, 0)),
        (canvas_name("ghostgus", 4100099, 5550099, f"{A}.ipynb"), nb, dt.datetime(2026, 10, 1, 8, 0)),
    ])
    gs_zip = _zip(tmp_path / "gradescope.zip", [
        ("submission_metadata.yml", gradescope_metadata({"submission_111": (
            [("Dev Dahl", "s2004", "dev@uni.edu"), ("Elif Eze", "s2005", "elif@uni.edu")],
            "2026-10-01 18:00:00 -0700")}), dt.datetime(2026, 10, 5)),
        ("submission_111/answers.ipynb", nb, dt.datetime(2026, 10, 5))])
    err = io.StringIO()
    run.autograde(A, canvas_zip, root=root, jobs=2, stream=err, progress=False)
    run.autograde(A, gs_zip, root=root, jobs=1, stream=err, progress=False)
    auto = load_spec(A).max_score
    with open_gradebook(root) as gb:                                        # the TA grades a written answer
        gb.find_grade("written_q1", A, A, "bergben").manual_score = 2.0
        gb.db.commit()

    grades = {g.student: g for g in final_grades(A, root)}
    assert grades["abaraada"].penalty == 0 and grades["abaraada"].score == auto
    assert grades["bergben"].penalty == pytest.approx(0.2 * auto)           # 34 h late: two started days
    assert grades["bergben"].score == pytest.approx(auto + 2.0 - 0.2 * auto) and grades["bergben"].manual == 2.0
    assert grades["castrochloe"].penalty == 0 and grades["castrochloe"].seconds_late == 0   # 48 h extension
    assert grades["s2004"].penalty == pytest.approx(0.1 * auto)             # created_at 01:00 UTC: one day
    assert grades["bergben"].max_score == auto + 2.0

    # nbgrader's own export of the same gradebook agrees with every final grade
    theirs = tmp_path / "nbgrader.csv"
    subprocess.run([str(BIN / "nbgrader"), "export", "--to", str(theirs)], cwd=root, check=True,
                   capture_output=True, env={**os.environ, "DEPTHLAB_ROOT": str(root)})
    rows = {r["student_id"]: r for r in csv.DictReader(theirs.open())}
    assert set(rows) == set(grades)
    for sid, g in grades.items():
        r = rows[sid]
        assert (float(r["score"]), float(r["raw_score"]), float(r["late_submission_penalty"])) == \
            pytest.approx((g.score, g.raw, g.penalty)), sid

    # the Canvas file: every member of the group, the unknown student listed, the missing one too
    roster = tmp_path / "canvas_export.csv"
    roster.write_text(canvas_roster([("Abara, Ada", 4100001, "x1"), ("Berg, Ben", 4100002, "x2"),
                                     ("Castro, Chloe", 4100003, "x3"), ("Dahl, Dev", 4100004, "s2004"),
                                     ("Eze, Elif", 4100005, "s2005"), ("Fischer, Farid", 4100006, "x6")],
                                    points=f"{auto + 2:.2f}"))
    out = tmp_path / "canvas_import.csv"
    summary = export([A], "canvas", out, roster=roster, root=root)
    table = Table.read(out)
    col = table.column(f"{A} (71002)")
    got = {r[1]: r[col] for r in table.rows if r[1]}
    assert float(got["4100002"]) == pytest.approx(grades["bergben"].score)
    assert float(got["4100004"]) == float(got["4100005"]) == pytest.approx(grades["s2004"].score)
    assert got["4100006"] == ""
    done = summary.assignments[0]
    assert done.filled == 5 and [u.split()[0] for u in done.unknown] == ["ghostgus"]
    assert "Fischer, Farid" in done.missing
    assert "ghostgus" in out.with_name(out.name + ".summary.txt").read_text()

    # the breakdown: every member, how each grade is made up
    breakdown = tmp_path / "grades.csv"
    export([A], "csv", breakdown, root=root)
    rows = {r["student"]: r for r in csv.DictReader(breakdown.open())}
    assert rows["s2005"]["group_of"] == "s2004"
    assert float(rows["s2005"]["score"]) == pytest.approx(grades["s2004"].score)
    assert float(rows["bergben"]["manual"]) == 2.0 and float(rows["bergben"]["late_penalty"]) > 0


def test_export_to_an_lms_without_its_roster_says_where_to_get_it(tmp_path):
    from click.testing import CliRunner
    from depthlab.cli import main
    with pytest.raises(RosterError, match="Grades > Export"):
        export([A], "canvas", tmp_path / "out.csv", root=tmp_path)
    res = CliRunner().invoke(main, ["export", A, "--format", "moodle", "-o", str(tmp_path / "o.csv")],
                             env={"DEPTHLAB_ROOT": str(tmp_path)})
    assert res.exit_code == 1 and "needs --roster" in res.output and "Plain text file" in res.output
    assert not (tmp_path / "o.csv").exists()


def test_an_unzipped_moodle_download_keeps_the_participant_ids(tmp_path):
    src = tmp_path / "download"
    for name, pid in (("Jane Doe", 81234), ("Ola Berg", 81235)):
        (src / moodle_folder(name, pid)).mkdir(parents=True)
        (src / moodle_folder(name, pid) / f"{A}.ipynb").write_bytes(NB)
    found = collect(A, src, root=tmp_path / "course")
    assert sorted(s.student for s in found.submissions) == ["Jane-Doe", "Ola-Berg"]
    assert load_identities(tmp_path / "course", A)["Ola-Berg"].participant_id == "81235"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_class_graded_without_the_gradebook_exports_from_the_store_with_its_late_penalty(tmp_path, monkeypatch):
    """``--engine direct`` keeps no nbgrader gradebook: the export takes the stored results, and
    the late penalty is the one nbgrader's plugin charges for the same times (on time, 34 h late,
    late within a 48 h extension), and the summary says the TA scores are not in it."""
    root = _course(tmp_path)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    ref = classgen.write_class(classgen.make_class(A, 1, seed=3), tmp_path / "flat", layout="flat", root=root)
    nb = next(iter(ref.files.values())).read_bytes()
    canvas_zip = _zip(tmp_path / "canvas.zip", [
        (canvas_name("abaraada", 4100001, 5550001, f"{A}.ipynb"), nb, dt.datetime(2026, 10, 1, 20, 0)),
        (canvas_name("bergben", 4100002, 5550002, f"{A}.ipynb", late=True), nb, dt.datetime(2026, 10, 3, 10, 0)),
        (canvas_name("castrochloe", 4100003, 5550003, f"{A}.ipynb", late=True), nb,
         dt.datetime(2026, 10, 3, 10, 0))])
    run.autograde(A, canvas_zip, root=root, engine="direct", jobs=2, stream=io.StringIO(), progress=False)
    assert not (root / "gradebook.db").exists()
    auto = load_spec(A).max_score
    out = tmp_path / "grades.csv"
    summary = export([A], "csv", out, root=root)
    rows = {r["student"]: r for r in csv.DictReader(out.open())}
    assert set(rows) == {"abaraada", "bergben", "castrochloe"}
    assert float(rows["abaraada"]["score"]) == auto and float(rows["abaraada"]["late_penalty"]) == 0
    assert float(rows["bergben"]["late_penalty"]) == pytest.approx(0.2 * auto)     # two started days
    assert float(rows["bergben"]["score"]) == pytest.approx(0.8 * auto)
    assert float(rows["castrochloe"]["late_penalty"]) == 0                          # within the extension
    assert any("formgrader" in line for line in summary.problems), summary.problems

    roster = tmp_path / "canvas_export.csv"
    roster.write_text(canvas_roster([("Abara, Ada", 4100001, "x1"), ("Berg, Ben", 4100002, "x2")],
                                    points=f"{auto:.2f}"))
    canvas_out = tmp_path / "canvas_import.csv"
    export([A], "canvas", canvas_out, roster=roster, root=root)
    table = Table.read(canvas_out)
    col = table.column(f"{A} (71002)")
    got = {r[1]: r[col] for r in table.rows if r[1]}
    assert float(got["4100002"]) == pytest.approx(0.8 * auto) and float(got["4100001"]) == auto


def test_the_bundled_canvas_roster_is_worth_what_the_course_is():
    """examples/canvas_roster.csv (the demo's roster) stands for the course's Canvas: its Points
    Possible are each assignment's auto-graded points plus its written answers' points, so the
    demo's Canvas import carries no mismatch note; a change of points fails here first."""
    import json

    from depthlab.checks.registry import assignments
    from depthlab.paths import source_notebook

    repo = Path(__file__).resolve().parents[1]
    table = canvas.read_roster(repo / "examples" / "canvas_roster.csv")
    points = table.rows[canvas.points_row(table)]
    for a in assignments():
        cells = json.loads(source_notebook(a).read_text())["cells"]
        written = sum((c["metadata"].get("nbgrader") or {}).get("points", 0) for c in cells
                      if c["cell_type"] == "markdown" and (c["metadata"].get("nbgrader") or {}).get("grade"))
        column, _ = canvas.assignment_column(table, a)
        assert float(points[column]) == load_spec(a).max_score + written, a

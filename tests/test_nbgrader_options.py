"""depthlab's judge takes its options the way nbgrader's own steps do (issue 13, item 1).

``c.DepthlabJudge.test_timeout = ...`` (or nbgrader's familiar
``c.Execute.timeout``) in a course's ``nbgrader_config.py`` is what plain
``nbgrader autograde`` grades with; nothing reaches the judge through module
state or environment variables our code sets.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from depthlab import classgen
from depthlab.config import GradingConfig
from depthlab.engines import nbgrader_engine
from depthlab.engines.nbgrader_engine import DepthlabJudge, judge_with, nbgrader_config

from hostile.build import ASSIGNMENT as A, with_snippets, write

BIN = Path(sys.executable).parent


def test_limits_come_from_the_judges_options_then_nbgraders_cell_timeout_then_the_environment(monkeypatch):
    monkeypatch.setenv("DEPTHLAB_MEMORY_MB", "1234")
    c = Config()
    c.DepthlabJudge.test_timeout = 7
    c.DepthlabJudge.isolation = "landlock"
    c.Execute.timeout = 11
    got = DepthlabJudge(config=c).grading_config()
    assert (got.test_timeout, got.cell_timeout, got.isolation, got.memory_mb) == (7.0, 11.0, "landlock", 1234)
    c.DepthlabJudge.cell_timeout = 3
    assert DepthlabJudge(config=c).grading_config().cell_timeout == 3.0
    plain = DepthlabJudge(config=Config()).grading_config()
    assert plain == GradingConfig.from_env()


def test_a_grading_config_and_a_bound_grader_travel_in_nbgraders_configuration(tmp_path):
    limits = GradingConfig(test_timeout=4, cell_timeout=9, isolation="none")
    c = nbgrader_config(tmp_path, grading=limits)
    assert c.DepthlabJudge.test_timeout == 4 and c.DepthlabJudge.isolation == "none"
    assert c.Autograde.autograde_preprocessors[0] is DepthlabJudge
    sentinel = object()
    bound = nbgrader_config(tmp_path, grader=sentinel).Autograde.autograde_preprocessors[0]
    assert issubclass(bound, DepthlabJudge) and bound.bound_grader is sentinel
    assert DepthlabJudge.bound_grader is None and judge_with(sentinel) is not bound
    assert not [name for name, value in vars(nbgrader_engine).items()
                if name.startswith("_") and isinstance(value, (dict, list, set)) and not name.startswith("__")], \
        "the nbgrader engine keeps no mutable module-level state"


@pytest.mark.slow
def test_plain_nbgrader_autograde_honours_the_test_timeout_of_nbgrader_config(tmp_path):
    """A function that sleeps 6 s: with ``c.DepthlabJudge.test_timeout = 1.5`` in the
    course's nbgrader_config.py, plain ``nbgrader autograde`` reports it timed out
    after 1.5 s (the default, 20 s, would have waited it out)."""
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    config = root / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.DepthlabJudge.test_timeout = 1.5\n")
    nb = with_snippets(["spectral_radius__sleeps_forever"])
    for cell in nb.cells:   # a 6 s sleep instead of forever: the point is which limit applies
        cell.source = cell.source.replace("time.sleep(10**6)", "time.sleep(6)")
    write(nb, root / "submitted" / "amy" / A / f"{A}.ipynb")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("DEPTHLAB_TEST_TIMEOUT", None)
    env.pop("DEPTHLAB_ROOT", None)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", A, "--force"], cwd=root, env=env,
                   check=True, capture_output=True, timeout=300)
    out = subprocess.run([str(BIN / "nbgrader"), "autograde", A, "--force"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    graded = (root / "autograded" / "amy" / A / f"{A}.ipynb").read_text()
    assert "timed out after 1.5 s" in graded, graded[-3000:]


@pytest.mark.parametrize("change", [{}, {"grade": "yes"}, {"points": "ten"}, {"schema_version": 2},
                                    {"schema_version": 9}, {"grade_id": 5}, {"extra": 1}, {"locked": None},
                                    {"solution": True, "grade": True, "points": -1}])
def test_the_metadata_check_with_its_schema_checked_once_says_what_nbgraders_says(change):
    """CheckCellMetadataOnce (in depthlab's autograde) gives nbgrader's verdict on every cell."""
    import copy

    import nbformat
    from nbgrader.nbgraderformat import MetadataValidator

    from depthlab.engines.metadata_check import _MetadataValidatorOnce
    from depthlab.paths import source_notebook

    def verdict(cls, cell):
        try:
            cls().validate_cell(cell)
            return "ok"
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    nb = nbformat.read(source_notebook("ps2_vanishing_gradients"), as_version=4)
    cells = [c for c in nb.cells if "nbgrader" in c.metadata]
    verdicts = set()
    for cell in cells:
        changed = copy.deepcopy(cell)
        changed.metadata["nbgrader"].update(change)
        ours = verdict(_MetadataValidatorOnce, changed)
        assert ours == verdict(MetadataValidator, changed), (change, cell.metadata["nbgrader"])
        verdicts.add(ours.split(":")[0])
    if not change:
        assert verdicts == {"ok"}
    elif change != {"solution": True, "grade": True, "points": -1}:   # fine for cells that have points
        assert "ok" not in verdicts, (change, verdicts)


def test_gradebooks_opened_in_one_grading_process_share_one_engine(tmp_path, monkeypatch):
    """A batch worker opens nbgrader's gradebook nine times per notebook: one SQLAlchemy
    engine per database serves them all (its statement cache kept), and what one
    Gradebook wrote and closed the next one reads; another database gets its own."""
    import nbgrader.api as api
    from depthlab.classgrade.gradebook import share_gradebook_engines
    for name in ("create_engine", "inspect"):
        monkeypatch.setattr(api, name, getattr(api, name))   # undone after the test
    monkeypatch.setattr(api.Base.metadata, "create_all", api.Base.metadata.create_all)
    share_gradebook_engines()
    share_gradebook_engines()   # twice: still one layer
    assert getattr(api.create_engine, "depthlab_shared", False)
    url = f"sqlite:///{tmp_path}/gradebook.db"
    with api.Gradebook(url) as first:
        first.add_student("ada")
        engine = first.engine
    with api.Gradebook(url) as second:
        assert second.engine is engine
        assert [s.id for s in second.students] == ["ada"]
        second.add_student("bo")
    with api.Gradebook(f"sqlite:///{tmp_path}/other.db") as other:
        assert other.engine is not engine and other.students == []
    with api.Gradebook(url) as third:
        assert sorted(s.id for s in third.students) == ["ada", "bo"]


def test_the_gradebooks_tables_are_checked_once_per_database_file(tmp_path, monkeypatch):
    """nbgrader's table check and create_all run at the first opening of a database
    file, not at each; a database deleted and made again is set up by nbgrader again."""
    import nbgrader.api as api
    from depthlab.classgrade.gradebook import share_gradebook_engines
    for name in ("create_engine", "inspect"):
        monkeypatch.setattr(api, name, getattr(api, name))
    calls = []
    original = api.Base.metadata.create_all
    monkeypatch.setattr(api.Base.metadata, "create_all", lambda **kw: (calls.append(kw), original(**kw)))
    share_gradebook_engines()
    share_gradebook_engines()
    url = f"sqlite:///{tmp_path}/gradebook.db"
    for student in ("ada", "bo", "cy"):
        with api.Gradebook(url) as gb:
            gb.add_student(student)
    assert len(calls) == 1
    with api.Gradebook(url) as gb:
        assert sorted(s.id for s in gb.students) == ["ada", "bo", "cy"]
    (tmp_path / "gradebook.db").unlink()
    with api.Gradebook(url) as gb:     # a new file: nbgrader makes its tables and alembic's version again
        gb.add_student("di")
        assert [s.id for s in gb.students] == ["di"]
        assert gb.db.execute(api.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    assert len(calls) == 2

"""The otter engine and the Gradescope autograders, generated from the same source.

Questions answered here, for every registered assignment (a missing source
notebook fails):

- is the otter material (master notebook, student notebook and tests,
  autograder zip) generated from ``source/`` and up to date, and does the zip
  hold what Gradescope needs (``run_autograder``, ``setup.sh``, an environment
  that installs depthlab's grading code, the plugin in the otter config)?
- does the otter student notebook have the nbgrader release's cells, a first
  cell that survives a renamed file, and ``grader.check`` cells whose public
  tests pass the reference and fail the stubs?
- does plain ``otter run`` with the zip grade a submission correctly without
  Docker, within depthlab's time limits, and without printing hidden tests or
  reference code?
- do the nbgrader and otter engines give the same per-function results, score
  and integrity notes for the reference, the blank notebook, the mutants and
  alternatives kept as test data (packed several to a notebook, see
  :func:`rounds`), the tamper cases, and the otter-format notebooks?

Cost: generating the otter material runs ``otter assign`` (5-15 s per
assignment, once per session); the engine comparison grades each notebook
with both engines.  ps2 is compared on every mutant and alternative file (11
packed notebooks) plus the tamper cases; the other assignments on the
reference, the blank and the first two packed notebooks (one or two variants
of every function).  ``DEPTHLAB_OTTER_ALL=1`` compares every file everywhere.
"""
from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from depthlab import classgen
from depthlab.engines import otter_assign, otter_master
from depthlab.engines.otter_plugin import is_otter_cell, replace_results, without_otter_cells
from depthlab.judge.notebook import grade_id, released_text
from depthlab.judge.prepare import known_assignments, load_spec
from depthlab.judge.results import Event, EventKind, IntegrityFlag, NotebookResult
from depthlab.judge.results import TestResult as _TestResult
from depthlab.paths import course_root, source_notebook

ROOT = course_root()
ASSIGNMENTS = known_assignments()
FULL = "ps2_vanishing_gradients"
ALL_ROUNDS = os.environ.get("DEPTHLAB_OTTER_ALL") == "1"
VENV_BIN = Path(sys.executable).parent


def source_nb(assignment):
    return nbformat.read(str(source_notebook(assignment, ROOT)), as_version=4)


# =========================================================================== fast: no kernels, no otter assign

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_cells_get_nbgraders_stub_from_otter(assignment):
    """otter's student version of every converted solution cell is exactly what
    nbgrader's ClearSolutions makes of the source cell."""
    from nbgrader.preprocessors import ClearSolutions
    from otter.assign.solutions import replace_solutions
    clear = ClearSolutions(code_stub={"python": "# YOUR CODE HERE\nraise NotImplementedError()"})
    checked = 0
    for cell in source_nb(assignment).cells:
        if otter_master.cell_kind(cell) != "solution":
            continue
        otter_version = "\n".join(replace_solutions(otter_master.otter_solution(cell.source).split("\n"), "python"))
        nbgrader_cell = copy.deepcopy(cell)
        assert clear._replace_solution_region(nbgrader_cell, "python")
        assert otter_version == nbgrader_cell.source, grade_id(cell)
        checked += 1
    assert checked == len(load_spec(assignment).functions)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_master_notebook_is_generated_from_the_source(assignment):
    """One otter question per graded function with the test cell's points; the
    visible test cell is the released one (no hidden block); the model answers
    sit in otter solution blocks; the config names the plugin; it says it is generated."""
    master = otter_master.master_notebook(assignment, ROOT)
    spec = load_spec(assignment)
    config = master.cells[0]
    assert config.cell_type == "raw" and config.source.startswith("# ASSIGNMENT CONFIG")
    assert "GENERATED" in config.source and otter_assign.PLUGIN in config.source
    assert master.cells[1].source == otter_assign.INIT_SOURCE
    assert "generated_from" in master.metadata["depthlab"]
    questions = {}
    for cell in master.cells:
        m = re.match(r"# BEGIN QUESTION\nname: (\w+)\n(manual: true\n)?points: ([\d.]+)$", cell.source)
        if cell.cell_type == "raw" and m and not m.group(2):
            questions[m.group(1)] = float(m.group(3))
    assert questions == {otter_assign.question_name(t.test_id): float(t.points) for t in spec.tests}
    src = {grade_id(c): c for c in source_nb(assignment).cells if grade_id(c)}
    for cell in master.cells:
        gid = grade_id(cell)
        if gid and otter_master.cell_kind(cell) == "test":
            assert cell.source == otter_master.release_test_source(src[gid].source)
            assert released_text(cell.source).strip() == released_text(src[gid].source).strip()
            assert "HIDDEN TESTS" not in cell.source
    sources = [c.source for c in master.cells]
    for gid, cell in src.items():
        if otter_master.cell_kind(cell) == "written":   # the model answer is there, as an otter solution
            at = sources.index(cell.source)
            assert master.cells[at - 1].source == "# BEGIN SOLUTION" and master.cells[at + 1].source == "# END SOLUTION"


def test_public_asserts_become_an_otter_test_function():
    code = ("h = forward_chain([0.3], 0.5)\n"
            "assert_close(h, [0.5, sig(0.15)], 'h')\n"
            "try:\n    far = sig(1e4)\nexcept RuntimeWarning as w:\n    raise AssertionError(str(w))\n"
            "assert all(sig(z) > 0 for z in zs), len(zs)\n")
    fn = otter_master.public_test_function(code, "test_q_public_examples")
    tree = ast.parse(fn)
    params = [a.arg for a in tree.body[0].args.args]
    assert params == ["assert_close", "forward_chain", "sig", "zs"]
    assert otter_master.public_test_function("# only a comment\n", "t") is None
    assert otter_master.public_test_function("%timeit f()\n", "t") is None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_otter_public_tests_pass_the_reference_and_fail_the_stubs(assignment):
    """Each test cell's public asserts, as the otter test function the student's
    grader.check runs (called by otter's own test_case), pass with the setup
    cells and the reference, and fail with the released stubs."""
    from otter.test_files import test_case
    cells = source_nb(assignment).cells
    setup = [c.source for c in cells if "setup" in c.metadata.get("tags", [])]
    refs = classgen.reference_sources(assignment)
    stubs = [otter_master.solution_stub(c.source) for c in cells if otter_master.cell_kind(c) == "solution"]
    for label, solutions in (("reference", list(refs.values())), ("stubs", stubs)):
        env: dict = {"__name__": "__main__"}
        for code in setup + solutions:
            exec(compile(code, "<cell>", "exec"), env)
        for cell in cells:
            if otter_master.cell_kind(cell) != "test":
                continue
            q = otter_assign.question_name(grade_id(cell))
            code = otter_master.public_test_function(otter_master.release_test_source(cell.source), f"test_{q}")
            namespace: dict = {}
            exec(compile(code, f"tests/{q}.py", "exec"), namespace)
            case = test_case(points=0)(namespace[f"test_{q}"])
            if label == "reference":
                case.call_func(dict(env))
            else:
                with pytest.raises(Exception):
                    case.call_func(dict(env))


def test_markers_otter_would_misread_are_refused():
    cell = nbformat.v4.new_code_cell("x = 1  # SEED", metadata={"nbgrader": {"grade_id": "given_x", "locked": True}})
    assert otter_master.otter_markers(cell) == ["x = 1  # SEED"]
    sol = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    y = 2 # SOLUTION\n    ### END SOLUTION",
                                    metadata={"nbgrader": {"grade_id": "solution_f", "solution": True}})
    assert otter_master.otter_markers(sol) == ["    y = 2 # SOLUTION"]
    ok = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                                   metadata={"nbgrader": {"grade_id": "solution_f", "solution": True}})
    assert otter_master.otter_markers(ok) == []


def test_otter_cells_are_recognised_and_nothing_else():
    code = nbformat.v4.new_code_cell
    assert is_otter_cell(code(otter_assign.INIT_SOURCE))
    assert is_otter_cell(code('import otter\ngrader = otter.Notebook("ps2.ipynb")'))
    assert is_otter_cell(code('grader.check("sigmoid")'))
    for student in ('import otter\notter.Notebook = None', 'grader.check("sigmoid"); import numpy as np',
                    'import otter', 'def sigmoid(z):\n    return z'):
        assert not is_otter_cell(code(student)), student
    nb = nbformat.v4.new_notebook(cells=[
        code(otter_assign.INIT_SOURCE), code("x = 1"), code('grader.check("f")'),
        nbformat.v4.new_markdown_cell("<!-- BEGIN QUESTION -->\n\n## Written"),
        nbformat.v4.new_markdown_cell("<!-- END QUESTION -->\n\n")])
    assert [c.source for c in without_otter_cells(nb).cells] == ["x = 1", "## Written", ""]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_judge_template_has_no_solutions_model_answers_or_hidden_tests(assignment):
    template = otter_master.template_notebook(assignment, ROOT)
    text = nbformat.writes(template)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    for gid, cell in ((grade_id(c), c) for c in source_nb(assignment).cells):
        if otter_master.cell_kind(cell) == "solution":
            body = _solution_body(cell.source)
            assert body and body not in text, gid
    from depthlab.judge.notebook import Template
    src, tmpl = Template.load(assignment), Template.load(assignment, _write(template))
    assert [(c.grade_id, c.kind) for c in src.cells] == [(c.grade_id, c.kind) for c in tmpl.cells]


def _write(nb) -> Path:
    import tempfile
    path = Path(tempfile.mkdtemp(prefix="depthlab-test-")) / "t.ipynb"
    nbformat.write(nb, str(path))
    return path


def _solution_body(source: str) -> str:
    m = re.search(r"### BEGIN SOLUTION\n(.*?)\n\s*### END SOLUTION", source, re.S)
    lines = [l for l in (m.group(1).split("\n") if m else []) if len(l.strip()) > 12]
    return lines[0].strip() if lines else ""


def test_grading_wheel_is_deterministic_and_holds_the_grading_code():
    a = ASSIGNMENTS[0]
    name, wheel = otter_assign.build_wheel(a)
    assert otter_assign.build_wheel(a) == (name, wheel)
    files = otter_assign.zip_entries(wheel)
    spec = load_spec(a)
    for needed in ("depthlab/engines/otter_plugin.py", "depthlab/judge/session.py", "depthlab/judge/probe.py",
                   f"depthlab/checks/{a}.py", spec.reference_module.replace(".", "/") + ".py"):
        assert needed in files, needed
    others = [b for b in known_assignments() if b != a]
    assert not any(f"checks/{b}.py" in n for n in files for b in others)
    dist = name[:-len("-py3-none-any.whl")] + ".dist-info"
    record = files[f"{dist}/RECORD"].decode().splitlines()
    assert len(record) == len(files)
    metadata = files[f"{dist}/METADATA"].decode()
    assert "Requires-Dist: numpy" in metadata and "Requires-Dist: jupyter_client" in metadata


def test_depthlab_results_replace_otters_and_show_only_messages():
    """What the plugin writes into otter's results: one visible test per function,
    depthlab's points (partial credit too) and message; nothing else."""
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults
    from depthlab.engines.otter_engine import result_from_gradescope
    spec = load_spec(FULL)
    tests = tuple(_TestResult(t.test_id, t.function, float(t.points) / 2 if i == 0 else 0.0, float(t.points),
                             False, f"{t.function}(x=1): got 2, expected 3")
                  for i, t in enumerate(spec.tests))
    result = NotebookResult(FULL, "nb.ipynb", "otter", tests,
                            (IntegrityFlag("monkeypatch", "added cell 3: replaces np.allclose"),), None,
                            events=(Event(EventKind.TIMEOUT, "the hidden cases of sigmoid timed out after 20 s"),))
    results = GradingResults([])
    replace_results(results, result)
    out = results.to_gradescope_dict(AutograderConfig({"show_all_public": True}))
    scored = [t for t in out["tests"] if "score" in t]
    assert [t["name"] for t in scored] == [otter_assign.question_name(t.test_id) for t in spec.tests]
    assert all(t["visibility"] == "visible" for t in out["tests"])
    assert scored[0]["score"] == pytest.approx(spec.tests[0].points / 2)
    assert sum(t["max_score"] for t in scored) == spec.max_score
    assert "timed out" in out["output"] and "allclose" not in json.dumps(out)   # integrity: instructors only
    back = result_from_gradescope(out, FULL, "nb.ipynb")
    assert [(t.id, t.points, t.max_points, t.message) for t in back.tests] == \
           [(t.id, t.points, t.max_points, t.message) for t in tests]


# =========================================================================== slow: otter assign, kernels, otter run

_FRESH: dict = {}


def fresh(assignment: str) -> dict:
    """The otter material generated now from source/ (once per test session)."""
    if assignment not in _FRESH:
        _FRESH[assignment] = otter_assign.generate(assignment, ROOT)
    return _FRESH[assignment]


@pytest.fixture(scope="session")
def material(tmp_path_factory):
    """Write the fresh material of an assignment to a folder: ``material(a) -> folder``."""
    base = tmp_path_factory.mktemp("otter-material")

    def write(assignment: str) -> Path:
        folder = base / assignment
        if not folder.exists():
            for rel, data in fresh(assignment).items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(data)
        return folder
    return write


def zip_of(folder: Path, assignment: str) -> Path:
    return folder / "autograder" / f"{assignment}-autograder.zip"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_otter_material_is_up_to_date(assignment):
    stale = otter_assign.stale_files(assignment, ROOT, fresh=fresh(assignment))
    assert not stale, f"the otter material of {assignment} is stale ({stale[:5]}): run `depthlab release {assignment}`"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_zip_holds_what_gradescope_needs(assignment):
    import yaml
    entries = otter_assign.zip_entries(fresh(assignment)[f"autograder/{assignment}-autograder.zip"])
    for needed in ("run_autograder", "setup.sh", "run_otter.py", "environment.yml", "otter_config.json"):
        assert needed in entries, needed
    with zipfile.ZipFile(_bytes_io(fresh(assignment)[f"autograder/{assignment}-autograder.zip"])) as zf:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
        assert {i.date_time for i in zf.infolist()} == {otter_assign.ZIP_DATE}
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    env = yaml.safe_load(entries["environment.yml"])
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    wheel_path = f"{otter_assign.GRADESCOPE_SOURCE}/{otter_assign.ZIP_DIR}/{otter_assign.wheel_name()}"
    # the grading wheel stays out of otter-env: setup.sh installs it into a folder of its own
    assert any(p.startswith("otter-grader") for p in pip) and wheel_path not in pip
    assert f"{otter_assign.ZIP_DIR}/{otter_assign.INSTALL_SCRIPT}" in entries["setup.sh"].decode()
    wheel = entries[wheel_path[len(otter_assign.GRADESCOPE_SOURCE) + 1:]]
    assert f"depthlab/checks/{assignment}.py" in otter_assign.zip_entries(wheel)
    config = json.loads(entries["otter_config.json"])
    (plugin,) = config["plugins"]
    assert plugin[otter_assign.PLUGIN]["assignment"] == assignment
    assert plugin[otter_assign.PLUGIN]["template"] in entries
    assert "mamba env create" in entries["setup.sh"].decode() and "run_otter.py" in entries["run_autograder"].decode()
    # hidden otter tests are fail-safe placeholders; the source's hidden blocks are nowhere in the zip
    hidden_lines = _hidden_lines(assignment)
    for name, data in entries.items():
        if name.startswith("tests/"):
            text = data.decode()
            assert "graded_by_depthlab" in text and "raise AssertionError" in text, name
        if not name.endswith(".whl"):
            text = data.decode(errors="replace")
            assert not [l for l in hidden_lines if l in text], name


def _bytes_io(data: bytes):
    import io
    return io.BytesIO(data)


def _hidden_lines(assignment: str) -> list[str]:
    """Lines of the source's hidden test blocks that appear nowhere a student sees."""
    cells = source_nb(assignment).cells
    visible = "\n".join(otter_master.release_test_source(c.source) for c in cells
                        if otter_master.cell_kind(c) not in ("solution", "written"))
    out = []
    for cell in cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S):
            out += [l.strip() for l in block.splitlines()
                    if len(l.strip()) > 25 and not l.strip().startswith("#") and l.strip() not in visible]
    return out


@pytest.mark.slow
def test_grading_wheel_installs_and_its_plugin_imports(tmp_path):
    """pip accepts the wheel (metadata, RECORD) and the plugin imports from the installed copy."""
    a = FULL
    entries = otter_assign.zip_entries(fresh(a)[f"autograder/{a}-autograder.zip"])
    name = otter_assign.wheel_name()
    wheel = tmp_path / name
    wheel.write_bytes(entries[f"{otter_assign.ZIP_DIR}/{name}"])
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import depthlab.engines.otter_plugin as p, "
            f"depthlab.judge.session, solutions.{a}; print(p.__file__)")   # session: the kernel's files too
    proc = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith(str(target))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_otter_student_notebook_is_the_release_plus_otter_cells(assignment, material):
    """Same graded cells as the nbgrader release (same stubs, same public tests),
    the otter init cell first, a check cell after each test cell, no solutions."""
    folder = material(assignment)
    otter_nb = nbformat.read(str(folder / "student" / f"{assignment}.ipynb"), as_version=4)
    release = nbformat.read(str(classgen.release_path(assignment, ROOT)), as_version=4)
    assert otter_nb.cells[0].source == otter_assign.INIT_SOURCE
    ours = {grade_id(c): c.source for c in otter_nb.cells if grade_id(c)}
    theirs = {grade_id(c): c.source for c in release.cells if grade_id(c)}
    written = {g for g, c in ((grade_id(c), c) for c in release.cells) if g and otter_master.cell_kind(c) == "written"}
    assert set(ours) == set(theirs)
    assert {g: s for g, s in ours.items() if g not in written} == {g: s for g, s in theirs.items() if g not in written}
    checks = [m.group("q") for c in otter_nb.cells if (m := otter_assign.CHECK_RE.match(c.source))]
    assert sorted(checks) == sorted(otter_assign.question_name(t.test_id) for t in load_spec(assignment).tests)
    test_ids = [grade_id(c) for c in otter_nb.cells if grade_id(c) and otter_master.cell_kind(c) == "test"]
    assert checks == [otter_assign.question_name(t) for t in test_ids]   # each check follows its test cell
    tests = sorted(p.name for p in (folder / "student" / "tests").glob("*.py"))
    assert tests == sorted(f"{q}.py" for q in checks)
    assert not any("hidden=True" in p.read_text() for p in (folder / "student" / "tests").glob("*.py"))


@pytest.mark.slow
def test_renamed_student_notebook_runs_and_checks_pass(material, tmp_path):
    """The reference typed into the otter student notebook, saved under another
    name next to a second notebook, runs top to bottom; every grader.check passes.
    (The public tests of every assignment are run through otter's test runner in
    test_otter_public_tests_pass_the_reference_and_fail_the_stubs.)"""
    from nbclient import NotebookClient
    assignment = FULL
    folder = material(assignment)
    work = tmp_path / "student"
    shutil.copytree(folder / "student", work)
    nb = classgen.fill_release(assignment, classgen.reference_sources(assignment),
                               release=work / f"{assignment}.ipynb")
    (work / f"{assignment}.ipynb").rename(work / "old version.ipynb")   # two notebooks, neither named as released
    nbformat.write(nb, str(work / "my copy (2).ipynb"))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    outputs = {}
    for cell in nb.cells:
        m = otter_assign.CHECK_RE.match(cell.source) if cell.cell_type == "code" else None
        if m:
            outputs[m.group("q")] = json.dumps(cell.outputs)
    assert outputs and all("passed" in o and "failed" not in o.lower() for o in outputs.values()), outputs


@pytest.mark.slow
def test_otter_run_grades_with_the_zip_without_docker(material, tmp_path):
    """Plain `otter run` with the generated zip: the renamed otter notebook with the
    reference earns every point, the blank release none, and an endless loop is
    stopped by depthlab's limits; results.json holds no hidden tests or reference code."""
    from depthlab.engines.otter_engine import otter_run, result_from_gradescope
    a = FULL
    spec = load_spec(a)
    folder = material(a)
    ref = tmp_path / "renamed submission.ipynb"
    nbformat.write(classgen.fill_release(a, classgen.reference_sources(a),
                                         release=folder / "student" / f"{a}.ipynb"), str(ref))
    loop_fn = spec.functions[0]
    loop = tmp_path / "loop.ipynb"
    nbformat.write(classgen.fill_release(a, {loop_fn: f"def {loop_fn}(*args, **kwargs):\n    while True:\n        pass\n"}),
                   str(loop))
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "DEPTHLAB_TEST_TIMEOUT": "3", "DEPTHLAB_NOTEBOOK_TIMEOUT": "120"}
    got = {}
    for name, path in (("reference", ref), ("blank", classgen.release_path(a, ROOT)), ("loop", loop)):
        data = otter_run(path, zip_of(folder, a), tmp_path / name, env=env)
        got[name] = (data, result_from_gradescope(data, a, str(path)))
    assert got["reference"][1].score == spec.max_score, got["reference"][0]
    assert got["blank"][1].score == 0
    looped = {t.function: t for t in got["loop"][1].tests}[loop_fn]
    assert looped.points == 0 and "time limit" in looped.message, looped
    text = json.dumps([d for d, _ in got.values()])
    assert not [l for l in _hidden_lines(a) if l in text]
    assert not [l for l in _reference_lines(a) if l in text]


def _reference_lines(assignment: str) -> list[str]:
    return [l.strip() for code in classgen.reference_sources(assignment).values() for l in code.splitlines()
            if len(l.strip()) > 25 and not l.strip().startswith(("#", "def ", '"""', "import"))]


# --------------------------------------------------------------------------- both engines, same results

def rounds(assignment: str, every: bool) -> list[tuple[str, dict]]:
    """Mutants and alternatives kept as test data, packed several to a notebook.

    Round k gives every function its k-th variant (mutants first, then
    alternatives) and the reference to functions that have run out, so
    max-per-function notebooks cover every file.  Results are compared between
    engines, so a broken helper affecting its callers in the same notebook does
    not matter.  ``every=False``: the first two rounds only.
    """
    functions = load_spec(assignment).functions
    mutants = classgen.variant_sources(assignment, "mutants")
    alternatives = classgen.variant_sources(assignment, "alternatives")
    pools = {f: [("m", n, c) for n, c in mutants.get(f, [])] + [("a", n, c) for n, c in alternatives.get(f, [])]
             for f in functions}
    count = max((len(p) for p in pools.values()), default=0)
    out = []
    for k in range(count if every else min(count, 2)):
        chosen = {f: p[k] for f, p in pools.items() if k < len(p)}
        label = ",".join(f"{f}__{v[1]}" for f, v in chosen.items())
        out.append((f"round{k}", {f: v[2] for f, v in chosen.items()}, label))
    return out


TAMPER = {
    "allclose_patched": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n",
    "otter_patched": ("import otter.test_files.abstract_test as _t\n_t.TestFile.score = property(lambda self: self.possible)\n"
                      "_t.TestFile.passed_all = property(lambda self: True)\n"
                      "import glob\nfor _p in glob.glob('/autograder/source/**', recursive=True) + glob.glob('../**', recursive=True):\n"
                      "    print('LEAK', _p)\n"),
}


def notebooks_for(assignment: str, folder: Path, tmp: Path) -> list[tuple[str, Path, Path]]:
    """``(name, notebook for the nbgrader engine, notebook for the otter engine)``."""
    spec = load_spec(assignment)
    release = classgen.release_path(assignment, ROOT)
    otter_student = folder / "student" / f"{assignment}.ipynb"
    refs = classgen.reference_sources(assignment)
    full = assignment == FULL or ALL_ROUNDS
    out = []

    def both(name, sources, edit=None, otter_too=False):
        paths = []
        for kind, base in (("release", release), ("otter", otter_student)):
            nb = classgen.fill_release(assignment, sources, release=base)
            if edit:
                edit(nb)
            path = tmp / f"{name}-{kind}.ipynb"
            nbformat.write(nb, str(path))
            paths.append(path)
        out.append((name, paths[0], paths[1] if otter_too else paths[0]))

    both("reference", refs, otter_too=True)
    both("blank", {}, otter_too=True)
    for name, sources, _ in rounds(assignment, full):
        both(name, {**refs, **sources})
    if full:
        def insert(code):
            def edit(nb):   # right after the setup cell, at the same index in both formats once otter's cells are gone
                at = next(i for i, c in enumerate(nb.cells) if "setup" in c.metadata.get("tags", []))
                nb.cells.insert(at + 1, nbformat.v4.new_code_cell(code))
            return edit

        def edit_tests(nb):
            for cell in nb.cells:
                if (cell.metadata.get("nbgrader") or {}).get("grade"):
                    cell.source = "pass"

        # Code test cells only: re-adding a deleted written-answer cell, nbgrader 0.9.6's
        # add_missing_cells may look up the locked markdown cell before it and raise KeyError.
        def delete_tests(nb):
            nb.cells = [c for c in nb.cells if not ((c.metadata.get("nbgrader") or {}).get("grade") and c.cell_type == "code")]

        both("allclose_patched", {}, insert(TAMPER["allclose_patched"]), otter_too=True)
        both("otter_patched", {}, insert(TAMPER["otter_patched"]), otter_too=True)
        both("edited_tests", {}, edit_tests)
        both("deleted_tests", {}, delete_tests)
        first = spec.functions[0]
        both("imports_solutions", {**refs, first: f"from solutions.{assignment} import {first}\n"})
    return out


def comparable(result: NotebookResult) -> dict:
    return {"score": result.score, "max_score": result.max_score, "error": result.error,
            "tests": [(t.id, t.function, t.points, t.max_points, t.passed, t.message) for t in result.tests],
            "integrity": sorted((f.kind, f.detail) for f in result.integrity)}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_both_engines_agree(assignment, material, tmp_path):
    from depthlab.engines.otter_engine import OtterBackend
    from depthlab.grading import grade_notebooks
    spec = load_spec(assignment)
    folder = material(assignment)
    cases = notebooks_for(assignment, folder, tmp_path)
    nbgrader = grade_notebooks(assignment, [c[1] for c in cases], engine="nbgrader")
    backend = OtterBackend(assignment, autograder=zip_of(folder, assignment))
    try:
        otter = {}
        for name, release_nb, otter_nb in cases:
            otter[name] = backend(0, release_nb)
            if otter_nb != release_nb:
                otter[name + "/otter-notebook"] = backend(0, otter_nb)
    finally:
        backend.close()
    for (name, _, otter_nb), nbg in zip(cases, nbgrader):
        assert nbg.error is None, (name, nbg.error)
        assert otter[name].engine == "otter"
        assert comparable(otter[name]) == comparable(nbg), name
        if name + "/otter-notebook" in otter:
            assert comparable(otter[name + "/otter-notebook"]) == comparable(nbg), name + " (otter notebook)"
    assert otter["reference"].score == spec.max_score
    assert otter["blank"].score == 0
    for tamper in ("allclose_patched", "otter_patched", "edited_tests", "deleted_tests"):
        if tamper in otter:
            assert otter[tamper].score == 0, tamper
            assert otter.get(tamper + "/otter-notebook", otter[tamper]).score == 0, tamper


@pytest.mark.slow
def test_cli_grades_with_the_otter_engine(tmp_path):
    """`depthlab grade --engine otter --json` prints the nbgrader engine's JSON
    line with "engine": "otter" (uses the committed zip, or generates one)."""
    a = FULL
    ref = tmp_path / "ref.ipynb"
    nbformat.write(classgen.fill_release(a, classgen.reference_sources(a)), str(ref))
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([sys.executable, "-m", "depthlab.cli", "grade", a, str(ref), "--json", "--engine", "otter"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (line,) = [json.loads(l) for l in proc.stdout.splitlines() if l.strip()]
    assert line["engine"] == "otter" and line["notebook"] == str(ref)
    assert line["score"] == line["max_score"] == load_spec(a).max_score
    assert set(line) >= {"assignment", "notebook", "engine", "score", "max_score", "tests", "integrity"}

"""Grading survives hostile and broken submissions (issue 8).

Every case is a submission kept as data: a snippet in ``tests/hostile/<a>/``
put into the perfect student's notebook (see ``tests/hostile/build.py``), a
structural edit of that notebook, or a broken file.  Several cases share one
notebook (each in a function nothing else calls), several notebooks share one
``grade_notebooks`` call, and each case then checks that

- the rest of the notebook and of the batch was graded (untouched functions keep
  full marks; every notebook of the batch has its result),
- the JSON has a clear line about it (``events``, ``integrity`` or ``error``),
- the function concerned earns no more than the plain wrong answer would
  (the blank stub for crashes and hangs, the same wrong code without the trick
  for tampering).

Limits are small here (GradingConfig and ``DEPTHLAB_INTERRUPT_GRACE``); the
time each notebook took is written to ``test-artifacts/hostile/timings.json``.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from depthlab.config import GradingConfig
from depthlab.grading import grade_notebooks
from depthlab.judge.kernel import SandboxKernel, isolation_mode
from depthlab.judge.notebook import grade_id
from depthlab.judge.prepare import load_spec
from depthlab.judge.session import NotebookGrader
from depthlab.paths import course_root, source_notebook

from hostile.build import ASSIGNMENT as A, index_of, release_nb, with_snippets, write, write_json

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not source_notebook(A).exists(), reason=f"no source notebook for {A} yet")]

ROOT = course_root()
ARTIFACTS = ROOT / "test-artifacts" / "hostile"
SPEC = load_spec(A) if source_notebook(A).exists() else None
FUNCTIONS = list(SPEC.functions) if SPEC else []
MAX_POINTS = {t.function: float(t.points) for t in SPEC.tests} if SPEC else {}
#: small limits: a hang costs 1.5 s, an ignored interrupt 1 s more
LIMITS = GradingConfig(test_timeout=1.5, cell_timeout=3.0, notebook_timeout=120, memory_mb=1536)
FAST = GradingConfig(test_timeout=5.0, cell_timeout=10.0, notebook_timeout=120)
ISOLATED = isolation_mode() == "namespace" if SPEC else False
TIMINGS: dict = {}
#: tests sharing a batch run in one xdist worker (make test: -n 2 --dist loadgroup)
LIMITS_GROUP = pytest.mark.xdist_group("hostile_limits")
TAMPER_GROUP = pytest.mark.xdist_group("hostile_tamper")
STRUCTURE_GROUP = pytest.mark.xdist_group("hostile_structure")
STRUCTURE_DIRECT_GROUP = pytest.mark.xdist_group("hostile_structure_direct")


@contextlib.contextmanager
def env(**values):
    """Environment variables for the grading kernels (interrupt grace, ...)."""
    mp = pytest.MonkeyPatch()
    try:
        for k, v in values.items():
            mp.setenv(k, str(v))
        yield
    finally:
        mp.undo()


def by_function(result) -> dict:
    return {t.function: t for t in result.tests}


def lines(result) -> list[str]:
    """Everything a TA reads about a notebook besides the tests."""
    out = list(result.events) + [f"{f.kind}: {f.detail}" for f in result.integrity]
    return out + ([f"error: {result.error}"] if result.error else [])


def touched(snippets) -> set:
    return {s.split("__")[0] for s in snippets} - {"cell", "cell_first"}


def grade_batch(name: str, notebooks: dict, tmp: Path, config: GradingConfig, engine: str = "direct",
                **environ) -> dict:
    """Write the notebooks, grade them in ONE grade_notebooks call; results by name."""
    paths = {}
    for nb_name, nb in notebooks.items():
        paths[nb_name] = nb if isinstance(nb, Path) else write(nb, tmp / f"{nb_name}.ipynb")
    start = time.monotonic()
    with env(DEPTHLAB_INTERRUPT_GRACE=1, **environ):
        results = grade_notebooks(A, list(paths.values()), engine=engine, config=config)
    assert len(results) == len(paths), "every notebook of the batch has its result"
    out = dict(zip(paths, results))
    for nb_name, r in out.items():
        assert r.notebook == str(paths[nb_name])
        TIMINGS[f"{engine}/{name}/{nb_name}"] = r.seconds
    TIMINGS[f"{engine}/{name} (whole batch)"] = round(time.monotonic() - start, 3)
    save_timings()
    return out


def save_timings() -> None:
    """Merge this process's timings into test-artifacts/hostile/timings.json."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "timings.json"
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = {}
    path.write_text(json.dumps({**old, **TIMINGS}, indent=1, sort_keys=True))


def assert_rest_graded(result, snippets, allow=()):
    """Functions no snippet touched keep full marks."""
    skip = touched(snippets) | set(allow)
    lost = {t.function: t.message for t in result.tests if t.function not in skip and not t.passed}
    assert not lost, lost


# =========================================================================== limits

HANGS = ["numerical_gradient__infinite_loop", "spectral_radius__sleeps_forever",
         "jacobian_power_norms__ignores_sigint", "chain_jacobian__swallows_keyboard_interrupt",
         "cell__infinite_loop"]
CRASHES = ["spectral_radius__os_exit", "jacobian_power_norms__sys_exit",
           "numerical_gradient__raise_systemexit_in_cell", "chain_jacobian__raises_keyboard_interrupt",
           "gradient_magnitudes__segfault", "cell__os_exit"]
MEMORY = ["spectral_radius__huge_array", "jacobian_power_norms__eats_memory", "cell__eats_memory"]
OUTPUT = ["cell__prints_100mb", "cell__long_traceback", "cell__long_error_message",
          "spectral_radius__prints_a_lot", "jacobian_power_norms__long_error_message"]
LIMIT_NOTEBOOKS = {"hangs": HANGS, "crashes": CRASHES, "memory": MEMORY, "output": OUTPUT}

#: snippet -> (notebook, status of its function's test or None, regex one line must match)
LIMIT_CASES = {
    "numerical_gradient__infinite_loop": ("hangs", "timeout", r"hidden cases of numerical_gradient timed out after 1.5 s; it was interrupted"),
    "spectral_radius__sleeps_forever": ("hangs", "timeout", r"hidden cases of spectral_radius timed out after 1.5 s; it was interrupted"),
    "jacobian_power_norms__ignores_sigint": ("hangs", "timeout", r"jacobian_power_norms timed out .*did not respond to an interrupt and was restarted"),
    "chain_jacobian__swallows_keyboard_interrupt": ("hangs", "timeout", r"chain_jacobian timed out .*did not respond to an interrupt and was restarted"),
    "cell__infinite_loop": ("hangs", None, r"added cell \d+ timed out after 3 s; it was interrupted"),
    "spectral_radius__os_exit": ("crashes", "died", r"kernel died while running the hidden cases of spectral_radius"),
    "jacobian_power_norms__sys_exit": ("crashes", "graded", None),   # an error like any other: the message says so
    "numerical_gradient__raise_systemexit_in_cell": ("crashes", "missing", r"solution_numerical_gradient raised SystemExit"),
    "chain_jacobian__raises_keyboard_interrupt": ("crashes", "graded", None),
    "gradient_magnitudes__segfault": ("crashes", "died", r"kernel died while running the hidden cases of gradient_magnitudes"),
    "cell__os_exit": ("crashes", None, r"kernel died while running added cell \d+"),
    "spectral_radius__huge_array": ("memory", "graded", r"spectral_radius ran out of memory .*1536 MB"),
    "jacobian_power_norms__eats_memory": ("memory", "graded", r"jacobian_power_norms ran out of memory .*1536 MB"),
    "cell__eats_memory": ("memory", None, r"added cell \d+ ran out of memory"),
    "cell__prints_100mb": ("output", None, None),
    "cell__long_traceback": ("output", None, r"added cell \d+ raised RuntimeError: reached the bottom"),
    "cell__long_error_message": ("output", None, r"added cell \d+ raised ValueError: line 0 of a very long"),
    "spectral_radius__prints_a_lot": ("output", "graded", None),
    "jacobian_power_norms__long_error_message": ("output", "graded", None),
}
MESSAGES = {
    "jacobian_power_norms__sys_exit": r"raised SystemExit: not done yet",
    "chain_jacobian__raises_keyboard_interrupt": r"raised KeyboardInterrupt",
    "spectral_radius__huge_array": r"raised MemoryError",
    "jacobian_power_norms__eats_memory": r"raised MemoryError",
    "jacobian_power_norms__long_error_message": r"raised ValueError: line 0: not implemented",
    "numerical_gradient__infinite_loop": r"did not finish within the time limit",
    "spectral_radius__os_exit": r"the kernel died while it ran",
}


@pytest.fixture(scope="module")
def limits(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    nbs = {name: with_snippets(snips) for name, snips in LIMIT_NOTEBOOKS.items()}
    nbs["blank"] = release_nb()
    return grade_batch("limits", nbs, tmp, LIMITS)


@LIMITS_GROUP
@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_limit_case(limits, case):
    notebook, status, line = LIMIT_CASES[case]
    result = limits[notebook]
    assert result.error is None
    assert_rest_graded(result, LIMIT_NOTEBOOKS[notebook])
    if line:
        assert any(re.search(line, l) for l in lines(result)), (line, lines(result))
    fn = case.split("__")[0]
    if fn in MAX_POINTS:
        t = by_function(result)[fn]
        blank = by_function(limits["blank"])[fn]
        if case == "spectral_radius__prints_a_lot":   # a right answer that prints keeps its points
            assert t.passed, t.message
        else:
            assert t.points <= blank.points == 0, t.message
        assert t.status == status, (t.status, t.message)
        if case in MESSAGES:
            assert re.search(MESSAGES[case], t.message), t.message
        assert len(t.message) < 1500, "messages stay short whatever the student raised"


@LIMITS_GROUP
def test_limits_bound_the_time(limits):
    """Hangs cost their limits, not more: 4 hangs at 1.5 s (+1 s grace and a
    restart for the two that ignore SIGINT) and one 3 s cell, on top of a normal
    notebook's time; the batch went on."""
    normal = limits["blank"].seconds
    assert limits["hangs"].seconds < normal + 4 * 1.5 + 3 + 2 * (1 + 8) + 10
    for name in ("crashes", "memory", "output"):
        assert limits[name].seconds < normal + 45, (name, limits[name].seconds)


@LIMITS_GROUP
def test_notebook_time_limit(tmp_path):
    """A per-notebook limit: what is left when it runs out is reported as not run, quickly."""
    nb = with_snippets(["numerical_gradient__infinite_loop"])
    cfg = GradingConfig(test_timeout=30, cell_timeout=10, notebook_timeout=8, memory_mb=2048)
    result = grade_batch("notebook_limit", {"notebook_limit": nb}, tmp_path, cfg)["notebook_limit"]
    assert any(re.search(r"notebook's time limit \(8 s\) ran out", l) for l in lines(result)), lines(result)
    after = FUNCTIONS[FUNCTIONS.index("numerical_gradient"):]
    tests = by_function(result)
    assert all(not tests[f].passed and tests[f].points == 0 for f in after)
    assert tests["numerical_gradient"].status == "timeout"
    assert result.seconds < 8 + 1 + 10, result.seconds


@LIMITS_GROUP
def test_kernel_limits_are_real():
    """The memory limit is the kernel's address-space limit; the kernel cannot
    see or write the grading process's files; the grader's memory is unharmed."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with env(DEPTHLAB_INTERRUPT_GRACE=1):
        kernel = SandboxKernel(memory_mb=1536)
    with kernel:
        res = kernel.run("import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20)", 30)
        assert res.status == "ok" and res.outputs[0]["text"].strip() == "1536"
        res = kernel.run("x = bytearray(3 * 2**30)", 30)
        assert res.status == "error" and res.ename == "MemoryError"
        res = kernel.run("print(sum(1 for p in __import__('os').listdir('/proc') if p.isdigit()))", 30)
        if ISOLATED:
            assert int(res.outputs[0]["text"]) <= 3, "the kernel sees only its own processes"
            # a fork bomb stops at the kernel's process limit, and nothing it started outlives the kernel
            res = kernel.run("import os, time\nuid = os.getuid()\nn = 0\ntry:\n"
                             "    while n < 2000:\n        if os.fork() == 0:\n            time.sleep(600)\n"
                             "            os._exit(0)\n        n += 1\nexcept OSError:\n    pass\nprint(uid, n)", 30)
            uid, forked = map(int, res.outputs[0]["text"].split())
            assert 0 < forked < 300, forked
    if ISOLATED:
        for _ in range(50):   # SIGKILLed with the namespace; the last ones take a moment to be reaped
            left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid]
            if not left:
                break
            time.sleep(0.2)
        assert not left, f"{len(left)} processes of the kernel outlived it"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000   # KiB


GRADER_SCRIPT = """
import sys, time
from depthlab.judge.kernel import SandboxKernel
k = SandboxKernel(memory_mb=1536)
k.start()
res = k.run("import os, time\\nif os.fork() == 0:\\n    time.sleep(600)\\nprint(os.getuid())", 30)
print(res.outputs[0]["text"].strip() if res.outputs else "none", flush=True)
time.sleep(600)
"""


@LIMITS_GROUP
def test_kernel_dies_with_a_killed_grader(tmp_path):
    """kill -9 of the grading process takes its kernel and everything the kernel
    started down with it (the kernel watches a pipe the grader holds)."""
    import signal
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-c", GRADER_SCRIPT], stdout=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=tmp_path)
    try:
        uid = proc.stdout.readline().strip()
        assert uid.isdigit(), uid
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        target = int(uid)
        if target == os.geteuid():
            pytest.skip("the kernel runs as the grader's own user here: cannot tell its processes apart")
        for _ in range(50):
            left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == target]
            if not left:
                break
            time.sleep(0.2)
        assert not left, f"{len(left)} kernel processes outlived the killed grader"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _owner(proc: Path):
    try:
        return proc.stat().st_uid
    except OSError:
        return None


# =========================================================================== tampering

WRONG = ["spectral_radius__mutates_input", "jacobian_power_norms__plain_wrong", "chain_jacobian__plain_wrong",
         "numerical_gradient__plain_wrong", "gradient_magnitudes__plain_wrong", "sigmoid__naive_overflows"]
WRONG_2 = ["spectral_radius__plain_wrong", "jacobian_power_norms__plain_wrong", "chain_jacobian__plain_wrong",
           "numerical_gradient__plain_wrong", "gradient_magnitudes__plain_wrong", "weight_grads_chain__plain_wrong"]
LOOKUP = ["spectral_radius__searches_sys_modules", "jacobian_power_norms__searches_gc", "chain_jacobian__inspects_frames"]
IMPORTS = ["spectral_radius__imports_solutions", "jacobian_power_norms__importlib_solutions",
           "chain_jacobian__dunder_import_autograder", "numerical_gradient__sys_path_to_repo",
           "gradient_magnitudes__exec_reference_file", "weight_grads_chain__obfuscated_import"]
TAMPER_NOTEBOOKS = {
    "plain_wrong": WRONG,
    "patches_numpy": WRONG + ["cell__patches_numpy"],
    "patches_json": WRONG + ["cell__patches_json"],
    "replaces_probe": WRONG + ["cell__replaces_probe"],
    "plain_wrong_2": WRONG_2,
    "lookup": LOOKUP,
    "imports": IMPORTS,
    "resets_namespace": ["cell_first__resets_namespace"],
    "imports_in_own_cell": ["cell_first__imports_reference_for_all"],
}


@pytest.fixture(scope="module")
def tamper(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tamper")
    return grade_batch("tamper", {n: with_snippets(s) for n, s in TAMPER_NOTEBOOKS.items()}, tmp, FAST)


@TAMPER_GROUP
def test_plain_wrong_answers_lose_points(tamper):
    """The yardstick: the wrong code without tricks loses points on each function it touches."""
    for name, snips in (("plain_wrong", WRONG), ("plain_wrong_2", WRONG_2)):
        tests = by_function(tamper[name])
        for fn in touched(snips):
            assert tests[fn].points < tests[fn].max_points, (name, fn)
        assert_rest_graded(tamper[name], snips)
    assert "changed its input" in by_function(tamper["plain_wrong"])["spectral_radius"].message
    assert "RuntimeWarning" in by_function(tamper["plain_wrong"])["sigmoid"].message


@TAMPER_GROUP
def test_patching_numpy_math_builtins_earns_nothing(tamper):
    """np.allclose/isclose/array_equal/testing, math.isclose, copy.deepcopy, warnings
    and builtins.repr replaced: the same points as the plain wrong code (the input
    mutation and the overflow warning are still seen), and the patches are flagged."""
    plain, patched = by_function(tamper["plain_wrong"]), by_function(tamper["patches_numpy"])
    for fn in FUNCTIONS:
        assert patched[fn].points <= plain[fn].points, (fn, patched[fn].message)
    assert "changed its input" in patched["spectral_radius"].message
    assert "RuntimeWarning" in patched["sigmoid"].message
    assert_rest_graded(tamper["patches_numpy"], WRONG)
    flagged = " ".join(f.detail for f in tamper["patches_numpy"].integrity if f.kind == "monkeypatch")
    for name in ("np.allclose", "np.isclose", "np.array_equal", "np.testing.assert_allclose",
                 "npt.assert_array_almost_equal", "math.isclose", "copy.deepcopy", "warnings.catch_warnings",
                 "builtins.repr", "setattr on np"):
        assert name in flagged, (name, flagged)


@TAMPER_GROUP
def test_patching_json_earns_nothing(tamper):
    """json.dumps/loads replaced: the kernel cannot talk to the grader any more; the
    grader notices within seconds, restarts the kernel without that cell and grades
    the rest: the same points as the plain wrong code."""
    plain, patched = by_function(tamper["plain_wrong"]), by_function(tamper["patches_json"])
    for fn in FUNCTIONS:
        assert patched[fn].points == plain[fn].points, (fn, patched[fn].message)
    result = tamper["patches_json"]
    assert any("replies could not be read after added cell" in l for l in lines(result)), lines(result)
    assert any("replaces json.dumps" in l for l in lines(result))
    assert result.seconds < tamper["plain_wrong"].seconds + 15


@TAMPER_GROUP
def test_replacing_the_graders_objects_only_hurts_the_student(tamper):
    """__depthlab__/__depthlab_fixtures__ overwritten and the probe module in
    sys.modules replaced by a fake that reports 1.0 for everything: flagged, no
    auto-graded credit, and grading finished normally."""
    result = tamper["replaces_probe"]
    assert result.error is None and result.score == 0
    assert all(t.status == "integrity" for t in result.tests)
    assert any(f.kind == "tampers_with_grader" for f in result.integrity), lines(result)


@TAMPER_GROUP
def test_reset_namespace_is_harmless(tamper):
    """An innocent %reset -f at the top of the notebook removes nothing the grader needs."""
    result = tamper["resets_namespace"]
    assert result.score == result.max_score, [t.message for t in result.tests if not t.passed]


@TAMPER_GROUP
def test_reference_lookup_in_sys_modules_gc_and_frames_finds_nothing(tamper):
    plain, lookup = by_function(tamper["plain_wrong_2"]), by_function(tamper["lookup"])
    for fn in touched(LOOKUP):
        assert lookup[fn].points <= plain[fn].points, (fn, lookup[fn].message)
        assert lookup[fn].points < lookup[fn].max_points
    assert_rest_graded(tamper["lookup"], LOOKUP)
    details = " ".join(f.detail for f in tamper["lookup"].integrity if f.kind == "introspection")
    for what in ("reads sys.modules", "walks gc.get_objects()", "inspects stack frames"):
        assert what in details, details


@TAMPER_GROUP
@pytest.mark.parametrize("case", IMPORTS)
def test_importing_or_reading_the_reference_is_an_integrity_violation(tamper, case):
    """import solutions, importlib, __import__('depthlab...'), sys.path to the course
    folder with the import blocker removed, exec(open(reference file)), and a module
    name built at run time: no credit for that function, flagged; the rest graded."""
    fn = case.split("__")[0]
    result = tamper["imports"]
    t = by_function(result)[fn]
    assert t.points == 0 and t.status == "integrity", t.message
    assert any(f.kind in ("forbidden_import", "reads_grading_files") and (f.function in (fn, None))
               for f in result.integrity), lines(result)
    assert_rest_graded(result, IMPORTS)


@TAMPER_GROUP
def test_a_cell_importing_the_reference_costs_every_function(tamper):
    """A cell defining no function that imports the reference (after removing the
    import blocker and putting the course folder on sys.path): what it got could
    serve every function, so none gets credit, even where the import fails."""
    result = tamper["imports_in_own_cell"]
    assert result.score == 0 and all(t.status == "integrity" for t in result.tests)
    assert all("a cell of the notebook" in t.message for t in result.tests), result.tests[0].message
    assert any(f.kind == "forbidden_import" and f.function is None for f in result.integrity)


@TAMPER_GROUP
def test_obfuscated_import_is_caught_at_run_time(tamper):
    flags = [f for f in tamper["imports"].integrity if f.kind == "forbidden_import" and "tried to import" in f.detail]
    assert any(f.function == "weight_grads_chain" and "depthlab" in f.detail for f in flags), flags


@TAMPER_GROUP
@pytest.mark.skipif(not ISOLATED, reason="kernel namespaces are not available here")
def test_reference_and_grading_folder_are_out_of_reach(tmp_path):
    """Each notebook runs in its own scratch folder; the course folder, other
    kernels and nbgrader's scratch courses are hidden; files written elsewhere
    do not reach the grading machine."""
    grader = NotebookGrader(A, FAST)
    seen, results = {}, {}
    leftovers = [Path("/tmp/left_by_a_student.txt"), ROOT / "left_by_a_student.txt",
                 Path("/var/tmp/left_by_a_student.txt"), Path.home() / "left_by_a_student.txt"]
    for p in leftovers:
        assert not p.exists()
    for name in ("first", "second"):
        snips = ["cell__writes_and_looks_around"] + (["spectral_radius__reads_grading_folder"] if name == "first" else [])
        path = write(with_snippets(snips), tmp_path / f"{name}.ipynb")
        start = time.monotonic()
        graded = grader.grade_path(path)
        TIMINGS[f"direct/files/{name}"] = round(time.monotonic() - start, 3)
        save_timings()
        text = "".join(o.get("text", "") for outs in graded.cell_outputs.values() for o in outs)
        seen[name] = json.loads(text.split("SEEN ", 1)[1].splitlines()[0])
        results[name] = graded.result
        assert graded.result.error is None
        # the cell names the course folder: no function gets credit (a cell of its own could serve them all)
        assert all(t.passed or t.status == "integrity" for t in graded.result.tests)
    first, second = seen["first"], seen["second"]
    assert first["here_before"] == [] and second["here_before"] == [], "a fresh scratch folder per notebook"
    assert first["cwd"] != second["cwd"]
    private = ("/var/tmp/", "/dev/shm/", first["cwd"] + "/")   # in-memory, per kernel
    assert first["wrote"][0] == "notes.txt" and all(w.startswith(private) for w in first["wrote"][1:]), first
    assert first["repo"] in (None, [".venv"]) and first["secrets"] == [], first
    # a checkout under /tmp (as CI's may be) shows its own top folder: its .venv is bound back read-only
    repo_top = ROOT.resolve().relative_to("/tmp").parts[0] if ROOT.resolve().is_relative_to("/tmp") else None
    first_tmp = [n for n in first["tmp"] if n != repo_top]
    second_tmp = [n for n in second["tmp"] if n != repo_top]
    assert len(first_tmp) == 1 and first_tmp != second_tmp, "other kernels' folders are hidden"
    assert len(first["processes"]) <= 3, "only the kernel's own processes"
    for p in leftovers:
        assert not p.exists(), f"{p} reached the grading machine"
    assert by_function(results["first"])["spectral_radius"].points == 0
    assert any(f.kind == "reads_grading_files" for f in results["first"].integrity)


# =========================================================================== structure and files

def _plain_base():
    return with_snippets(["spectral_radius__plain_wrong"])


def _edit(nb):
    nb.cells[index_of(nb, "test_spectral_radius")].source = "print('spectral_radius: public tests passed')\n"
    return nb


def _delete(nb):
    del nb.cells[index_of(nb, "test_spectral_radius")]
    return nb


def _duplicate(nb):
    i = index_of(nb, "test_spectral_radius")
    copy_ = nbformat.from_dict(json.loads(json.dumps(nb.cells[i])))
    copy_.source = "assert True\n"
    nb.cells.insert(i + 1, copy_)     # same grade_id and same cell id
    return nb


def _reorder(nb):
    i, j = index_of(nb, "test_spectral_radius"), index_of(nb, "solution_spectral_radius")
    nb.cells[i], nb.cells[j] = nb.cells[j], nb.cells[i]
    k, m = index_of(nb, "test_sigmoid"), index_of(nb, "test_sigmoid_prime")
    nb.cells[k], nb.cells[m] = nb.cells[m], nb.cells[k]
    return nb


def _delete_answers(nb):
    """The solution cell, its test cell and the written answer all deleted."""
    drop = {"solution_spectral_radius", "test_spectral_radius",
            next(grade_id(c) for c in nb.cells if (grade_id(c) or "").startswith("written_"))}
    nb.cells = [c for c in nb.cells if grade_id(c) not in drop]
    return nb


def _rename_test(nb):
    nb.cells[index_of(nb, "test_spectral_radius")].metadata.nbgrader["grade_id"] = "test_spectral_radius_v2"
    return nb


def _rename_solution(nb):
    nb.cells[index_of(nb, "solution_jacobian_power_norms")].metadata.nbgrader["grade_id"] = "my_solution"
    return nb


def _as_json(nb, minor=None, drop_ids=False, bad_meta=False):
    data = json.loads(nbformat.writes(nb))
    if minor is not None:
        data["nbformat_minor"] = minor
    for cell in data["cells"]:
        if drop_ids:
            cell.pop("id", None)
        gid = (cell["metadata"].get("nbgrader") or {}).get("grade_id")
        if bad_meta and gid == "test_sigmoid":
            cell["metadata"]["nbgrader"] = "not a dict"
        if bad_meta and gid == "test_forward_chain":
            cell["metadata"]["nbgrader"]["points"] = "lots"
            cell["metadata"]["nbgrader"]["schema_version"] = 1
    return data


def _v3(nb):
    return json.loads(nbformat.writes(nbformat.convert(nb, 3), version=3))


def structure_submissions(tmp: Path) -> dict:
    """name -> path, and name -> (expected error regex, expected flag kind, spectral_radius as plain?)."""
    ps1 = source_notebook("ps1_gradient_ratios")
    other = ps1 if ps1.exists() else None
    notebooks = {
        "plain": _plain_base(),
        "edited_test_cell": _edit(_plain_base()),
        "deleted_test_cell": _delete(_plain_base()),
        "deleted_answer_cells": _delete_answers(_plain_base()),
        "duplicated_test_cell": _duplicate(_plain_base()),
        "reordered_cells": _reorder(_plain_base()),
        "changed_grade_id": _rename_test(_plain_base()),
        "renamed_solution_cell": _rename_solution(_plain_base()),
    }
    paths = {n: write(nb, tmp / f"{n}.ipynb") for n, nb in notebooks.items()}
    paths["nbformat_v3"] = write_json(_v3(_plain_base()), tmp / "nbformat_v3.ipynb")
    paths["nbformat_4_0_without_ids"] = write_json(_as_json(_plain_base(), 0, True), tmp / "nbformat_4_0.ipynb")
    paths["missing_cell_ids"] = write_json(_as_json(_plain_base(), None, True), tmp / "missing_ids.ipynb")
    paths["broken_nbgrader_metadata"] = write_json(_as_json(_plain_base(), bad_meta=True), tmp / "bad_meta.ipynb")
    files = Path(__file__).parent / "hostile" / "files"
    whole = paths["plain"].read_bytes()
    (tmp / "truncated.ipynb").write_bytes(whole[: len(whole) // 2])
    paths["truncated_json"] = tmp / "truncated.ipynb"
    for f in sorted(files.iterdir()):
        paths[f.stem] = f
    if other:
        paths["another_assignment"] = other
    return paths


#: name -> (error regex, integrity kind), spectral_radius judged like the plain wrong code
STRUCTURE = {
    "plain": (None, None),
    "edited_test_cell": (None, "edited_test_cell"),
    "deleted_test_cell": (None, "deleted_test_cell"),
    "deleted_answer_cells": (None, "deleted_test_cell"),
    "duplicated_test_cell": (None, "duplicated_cell"),
    "reordered_cells": (None, "reordered_cells"),
    "changed_grade_id": (None, "changed_grade_id"),
    "renamed_solution_cell": (None, "unknown_cell"),
    "nbformat_v3": (None, None),
    "nbformat_4_0_without_ids": (None, None),
    "missing_cell_ids": (None, None),
    "broken_nbgrader_metadata": (None, None),
    "truncated_json": (r"not valid JSON.*truncated", None),
    "empty": (r"is empty", None),
    "not_json": (r"not valid JSON", None),
    "picture": (r"not valid JSON", None),
    "json_not_a_notebook": (r"JSON but not a Jupyter notebook", None),
    "another_assignment": (r"none of ps2_vanishing_gradients's cells.*looks like ps1_gradient_ratios", None),
}


@contextlib.contextmanager
def kept_nbgrader_courses():
    """Keep the scratch nbgrader courses grade_notebooks makes until the test has read them."""
    from depthlab.engines import nbgrader_engine
    kept, original = [], nbgrader_engine.NbgraderCourse.close
    nbgrader_engine.NbgraderCourse.close = lambda self: kept.append(self)
    try:
        yield kept
    finally:
        nbgrader_engine.NbgraderCourse.close = original


#: the structural cases graded through grade_notebooks(engine="nbgrader") (all go through the direct engine;
#: the other odd files go through plain ``nbgrader autograde``, RAW_NBGRADER)
NBGRADER_STRUCTURE = ("plain", "edited_test_cell", "deleted_test_cell", "duplicated_test_cell", "changed_grade_id",
                      "deleted_answer_cells", "truncated_json", "empty", "not_json", "picture", "json_not_a_notebook",
                      "another_assignment")


@pytest.fixture(scope="module")
def structure_direct(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("structure_direct")
    return grade_batch("structure", structure_submissions(tmp), tmp, FAST)


@pytest.fixture(scope="module")
def structure(tmp_path_factory):
    """Every structural case through real nbgrader autograde (the output flood and an
    interrupt-ignoring hang too), with the gradebook and autograded notebooks read back."""
    tmp = tmp_path_factory.mktemp("structure")
    paths = structure_submissions(tmp)
    extra = {"output": with_snippets(OUTPUT), "ignores_sigint": with_snippets(["jacobian_power_norms__ignores_sigint"])}
    nb_paths = {**{n: p for n, p in paths.items() if n in NBGRADER_STRUCTURE},
                **{n: write(nb, tmp / f"{n}.ipynb") for n, nb in extra.items()}}
    out = {}
    with kept_nbgrader_courses() as courses:
        out["nbgrader"] = grade_batch("structure", nb_paths, tmp, FAST, engine="nbgrader",
                                      DEPTHLAB_TEST_TIMEOUT=LIMITS.test_timeout,
                                      DEPTHLAB_CELL_TIMEOUT=LIMITS.cell_timeout)
        try:
            (course,) = courses
            out["gradebook"] = {student: course.gradebook_score(student) for student in _students(course)}
            autograded = {p.parent.parent.name: p for p in course.root.glob(f"autograded/*/{A}/{A}.ipynb")}
            out["autograded_sizes"] = {k: p.stat().st_size for k, p in autograded.items()}
            out["autograded_nbs"] = {k: json.loads(p.read_text()) for k, p in autograded.items()}
            out["raw"] = raw_autograde(course, {n: paths[n] for n in RAW_NBGRADER})
        finally:
            for c in courses:
                shutil.rmtree(c.root, ignore_errors=True)
    return out


#: odd files handed to plain ``nbgrader autograde`` as they are (no normalising on the way in)
RAW_NBGRADER = ("nbformat_v3", "nbformat_4_0_without_ids", "missing_cell_ids", "broken_nbgrader_metadata",
                "duplicated_test_cell", "reordered_cells", "renamed_solution_cell")


def raw_autograde(course, paths: dict) -> dict:
    """name -> (success, gradebook score, depthlab's score) of nbgrader's own autograde of the file."""
    from depthlab.engines.nbgrader_engine import RESULT_KEY
    out = {}
    for name, path in paths.items():
        student = f"raw-{name}".replace("_", "-")
        dest = course.root / "submitted" / student / A
        dest.mkdir(parents=True)
        shutil.copyfile(path, dest / f"{A}.ipynb")
        start = time.monotonic()
        res = course.api.autograde(A, student, force=True)
        TIMINGS[f"nbgrader-raw/{name}"] = round(time.monotonic() - start, 3)
        graded = course.root / "autograded" / student / A / f"{A}.ipynb"
        if not (res["success"] and graded.exists()):
            out[name] = (False, None, res.get("log", "")[-1500:])
            continue
        record = json.loads(graded.read_text())["metadata"][RESULT_KEY]
        out[name] = (True, course.gradebook_score(student), sum(t["points"] for t in record["tests"]))
    save_timings()
    return out


@STRUCTURE_GROUP
@pytest.mark.parametrize("case", RAW_NBGRADER)
def test_plain_nbgrader_autograde_takes_odd_files(structure, case):
    """``nbgrader autograde`` in this course (how batch.py grades) on the file exactly as
    submitted: nbgrader 0.9.6 alone aborts on duplicated grade_ids and on a deleted
    cell next to another missing one; here it grades, and the gradebook holds the
    judge's points, those of the same file graded through grade_notebooks."""
    ok, gradebook, judged = structure["raw"][case]
    assert ok, judged
    assert gradebook == pytest.approx(judged)
    same = structure["nbgrader"].get(case) or structure["nbgrader"]["plain"]   # these cases change no score
    assert judged == pytest.approx(same.score)


def _students(course) -> list:
    return sorted(p.name for p in (course.root / "submitted").iterdir())


@STRUCTURE_GROUP
@pytest.mark.parametrize("case", NBGRADER_STRUCTURE)
def test_structure_case_nbgrader(structure, case):
    check_structure(structure["nbgrader"], case)


@STRUCTURE_DIRECT_GROUP
@pytest.mark.parametrize("case", sorted(STRUCTURE))
def test_structure_case_direct(structure_direct, case):
    check_structure(structure_direct, case)


def check_structure(results, case):
    if case not in results:
        pytest.skip(f"{case}: no such file here")
    error, kind = STRUCTURE[case]
    result = results[case]
    if error:
        assert result.error and re.search(error, result.error), result.error
        assert result.score == 0 and all(not t.passed for t in result.tests)
        return
    assert result.error is None, result.error
    plain = by_function(results["plain"])
    tests = by_function(result)
    if case == "deleted_answer_cells":
        assert tests["spectral_radius"].points == 0 and tests["spectral_radius"].status == "missing"
    else:
        assert tests["spectral_radius"].points == plain["spectral_radius"].points < MAX_POINTS["spectral_radius"]
    assert_rest_graded(result, ["spectral_radius__plain_wrong"])
    if kind:
        assert any(f.kind == kind for f in result.integrity), lines(result)


@STRUCTURE_GROUP
def test_nbgrader_gradebook_holds_the_same_points(structure):
    """What nbgrader stored for every graded submission equals the JSON's score
    (so nbgrader's own restore-or-lose logic for edited/deleted/duplicated/renamed
    test cells never adds points)."""
    results = structure["nbgrader"]
    by_student = {}
    from depthlab.engines.nbgrader_engine import student_id
    names = list(results)
    for index, name in enumerate(names):
        by_student[student_id(index, Path(results[name].notebook))] = results[name]
    compared = 0
    for student, score in structure["gradebook"].items():   # (read before the raw ones were added)
        r = by_student.get(student)
        if r is not None and r.error is None:
            assert score == pytest.approx(r.score), (student, score, r.score)
            compared += 1
    assert compared >= 8, compared


@STRUCTURE_GROUP
def test_nbgrader_autograded_output_is_cut(structure):
    """100 MB printed and 10,000-line tracebacks: the autograded notebook stays small."""
    sizes = structure["autograded_sizes"]
    output = next(k for k in sizes if k.endswith("-output"))
    plain = next(k for k in sizes if k.endswith("-plain"))
    assert sizes[output] < sizes[plain] + 200_000, sizes
    nb = structure["autograded_nbs"][output]
    text = json.dumps(nb["cells"])
    assert "output cut at" in text
    assert structure["nbgrader"]["output"].error is None
    t = by_function(structure["nbgrader"]["output"])
    assert t["spectral_radius"].passed and not t["jacobian_power_norms"].passed


@STRUCTURE_GROUP
def test_nbgrader_hang_that_ignores_interrupts(structure):
    r = structure["nbgrader"]["ignores_sigint"]
    t = by_function(r)["jacobian_power_norms"]
    assert t.points == 0 and t.status == "timeout"
    assert any("did not respond to an interrupt" in e for e in r.events)
    assert_rest_graded(r, ["jacobian_power_norms__ignores_sigint"])


@STRUCTURE_DIRECT_GROUP
def test_zip_bomb_inside_an_lms_zip(tmp_path):
    """batch.collect refuses a zip bomb member and takes the other notebooks."""
    batch = pytest.importorskip("depthlab.batch")
    good = write(with_snippets([]), tmp_path / "good.ipynb").read_bytes()
    zpath = tmp_path / "canvas.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"alice_123_456_{A}.ipynb", good)
        with zf.open(f"mallory_124_457_{A}.ipynb", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**22
            for _ in range(50):          # 200 MB of zeros, about 200 KB compressed
                member.write(chunk)
    root = tmp_path / "course"
    root.mkdir()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = batch.collect(A, zpath, root=root)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 150_000   # KiB: never inflated
    placed = {s.student: s for s in found.submissions}
    assert any(s.path is not None and s.path.read_bytes() == good for s in placed.values())
    refused = [s for s in placed.values() if s.path is None]
    assert len(refused) == 1 and re.search(r"zip bomb|MB", refused[0].rejected), refused

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

Isolation levels (issue 12).  Everything runs at the default level (what
``auto`` gives here, or the one ``DEPTHLAB_ISOLATION`` names).  The escapes run
at *every* level the machine claims (``available_levels()``; a level it claims
but cannot deliver fails, never skips): finding the reference on disk by
computed paths and running or importing it, other students' work and the
gradebook, writing outside the scratch folder, signalling the grader, what the
kernel sees (``tests/hostile/escapes.py``).  Those are what the levels differ
in.  The limits (hangs, crashes, memory, output), the tampering inside the
kernel (patching numpy or json, sys.modules, frames, the import blocker and the
static checks) and the structural cases are the same code at every level, so
they run once: each level costs a batch of six notebooks (50 s on a quiet
two-core machine, 100 to 150 s on a busy one).  The escape batches run in a grading
process of their own inside a PID namespace (``escapes.enclosure``): should a
level fail to contain a notebook that kills every process in sight, it kills
that grading run only.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from depthlab.config import GradingConfig
from depthlab.judge import refcache
from depthlab.judge.results import EventKind
from depthlab.grading import grade_notebooks
from depthlab.judge.kernel import SandboxKernel, isolation_mode
from depthlab.judge.notebook import grade_id
from depthlab.judge.prepare import load_spec
from depthlab.paths import course_root, source_notebook

from hostile.build import ASSIGNMENT as A, index_of, release_nb, snippet, solutions, with_snippets, write, write_json
from hostile.escapes import (COPIES, FINDERS, IMPORTER, PLAIN, SIGNALS, WRITES, CourseSite, enclosure, grade_enclosed,
                             levels_under_test, plain_points, printed)
from hostile.escapes import save_timings as merge_timings

pytestmark = [pytest.mark.slow]

ROOT = course_root()
ARTIFACTS = ROOT / "test-artifacts" / "hostile"
SPEC = load_spec(A)             # the project's own assignment: missing is a failure, never a skip
FUNCTIONS = list(SPEC.functions)
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
    out = [e.detail for e in result.events] + [f"{f.kind}: {f.detail}" for f in result.integrity]
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
    merge_timings(ARTIFACTS, TIMINGS)


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
WRONG_2 = PLAIN
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
    "removes_probe": ["cell__removes_probe"],
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
def test_the_plain_yardstick_in_process_is_the_kernels(tamper):
    """The escape tests hold hostile functions against the plain wrong answers graded in-process
    (plain_points, no kernel): the same points as graded in a kernel."""
    assert {t.function: t.points for t in tamper["plain_wrong_2"].tests} == plain_points()


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
def test_removing_the_probe_module_is_harmless(tamper):
    """The probe module taken out of sys.modules (its name built at run time): the grader
    loads it again before its next call, and the reference earns every point."""
    result = tamper["removes_probe"]
    assert result.score == result.max_score, [t.message for t in result.tests if not t.passed]
    assert not [e for e in result.events if e.kind == "probe_failed"], lines(result)


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


# =========================================================================== escapes, at every isolation level

LEVELS = levels_under_test() if SPEC else []
#: one batch per level, each in one xdist worker
LEVEL_PARAMS = ([pytest.param(level, id=level, marks=pytest.mark.xdist_group(f"hostile_escapes_{level}"))
                 for level in LEVELS] or [pytest.param(None, id="no-safe-level")])
#: the searches take a few seconds each, then the hidden cases run: room for both
ESCAPES = GradingConfig(test_timeout=10.0, cell_timeout=20.0, notebook_timeout=240)
#: graded in this order by one grader: the notebooks after the signalling one show that it lives on
#: (the plain wrong answers they are held against are graded in-process: plain_points)
ESCAPE_NOTEBOOKS = {
    "finders": FINDERS,
    "copies": PLAIN + [COPIES],
    "writes": PLAIN + [WRITES],
    "looks_around": ["cell__writes_and_looks_around", "spectral_radius__reads_grading_folder"],
    "signals": SIGNALS,
    "looks_around_again": ["cell__writes_and_looks_around"],
}
#: kills every process it sees and then all at once (kill -1): a signal the grader always sees
KILLS_ALL = "jacobian_power_norms__kills_every_process"
#: where cell__writes_and_looks_around writes
LEFT_BY_A_STUDENT = [Path("/tmp/left_by_a_student.txt"), ROOT / "left_by_a_student.txt",
                     Path("/var/tmp/left_by_a_student.txt"), Path.home() / "left_by_a_student.txt"]


@dataclass
class Escaped:
    """The escape notebooks graded at one level, and what they left on the machine."""

    level: str
    process: subprocess.CompletedProcess
    graded: dict          # name -> (NotebookResult, what its cells printed)
    changed: list         # files placed in the course or its copies that changed
    markers: list         # files cell__writes_outside_scratch left outside its scratch folder
    leftovers: list       # files cell__writes_and_looks_around left outside its scratch folder

    def result(self, name: str):
        assert name in self.graded, (f"the grader ended before grading {name} (exit status "
                                     f"{self.process.returncode}): {self.process.stderr[-2000:]}")
        return self.graded[name][0]

    def seen(self, name: str, prefix: str = "SEEN"):
        self.result(name)
        return printed(self.graded[name][1], prefix)


@functools.lru_cache(maxsize=None)
def escaped(level: str) -> Escaped:
    """The escape notebooks, graded at one level by ONE grading process, the way an instructor
    grades: in the course folder, which holds another student's submitted and graded notebooks
    and the gradebook, with two more copies of the course elsewhere on the machine.  The grading
    process runs in a PID namespace of its own: a sandbox that fails to stop a notebook from
    killing every process in sight kills this grading run only.  Once per level and process
    (pytest may set a parametrized module fixture up more than once); the course is removed
    before this returns."""
    tmp = Path(tempfile.mkdtemp(prefix=f"depthlab-escapes-{level}-"))
    for p in LEFT_BY_A_STUDENT:
        assert not p.exists(), f"{p} is there before the test"
    site = CourseSite.make()
    try:
        paths = {name: write(with_snippets(snips), tmp / f"{name}.ipynb") for name, snips in ESCAPE_NOTEBOOKS.items()}
        environ = {**os.environ, "DEPTHLAB_ROOT": str(site.course), "DEPTHLAB_INTERRUPT_GRACE": "1"}
        config = dataclasses.asdict(dataclasses.replace(ESCAPES, isolation=level))
        start = time.monotonic()
        try:
            proc, graded = grade_enclosed(paths, config, site.course, environ)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        TIMINGS[f"direct/escapes-{level} (whole batch)"] = round(time.monotonic() - start, 3)
        TIMINGS.update({f"direct/escapes-{level}/{name}": r.seconds for name, (r, _) in graded.items()})
        save_timings()
        wrote = printed(graded["writes"][1], "WROTE") if "writes" in graded else None
        return Escaped(level, proc, graded, site.changed(), site.markers(wrote or ()),
                       [str(p) for p in LEFT_BY_A_STUDENT if p.exists()])
    finally:
        site.close()
        shutil.rmtree(tmp, ignore_errors=True)
        for p in LEFT_BY_A_STUDENT:
            p.unlink(missing_ok=True)


@pytest.fixture(scope="module", params=LEVEL_PARAMS)
def escapes(request):
    if request.param is None:
        pytest.fail("this machine claims no safe isolation level, so nothing can be graded here "
                    "(`depthlab doctor` says why and what to do)")
    return escaped(request.param)


def assert_no_more_than_plain(result, functions) -> None:
    mine, plain = by_function(result), plain_points()
    for fn in functions:
        assert mine[fn].points <= plain[fn], (fn, mine[fn].message)


def test_the_grader_lived_through_every_escape(escapes):
    """Every notebook of the batch has its result, graded, recorded at the level asked for."""
    assert escapes.process.returncode == 0 and list(escapes.graded) == list(ESCAPE_NOTEBOOKS), \
        (escapes.process.returncode, list(escapes.graded), escapes.process.stderr[-3000:])
    assert {r.isolation for r, _ in escapes.graded.values()} == {escapes.level}
    assert all(r.error is None for r, _ in escapes.graded.values()), [r.error for r, _ in escapes.graded.values()]


@pytest.mark.parametrize("case", FINDERS)
def test_finding_the_reference_on_disk_earns_nothing(escapes, case):
    """Each finder looks for the reference by computed paths and runs what it finds: it finds
    nothing (the yardstick below shows it would without the sandbox).  Where it reached beyond the
    kernel's view, the grader says where (or which import it blocked) and gives the function no
    credit; else it fell back on the plain wrong answer, within its time.  The rest of the
    notebook keeps full marks."""
    fn = case.split("__")[0]
    result = escapes.result("finders")
    t, plain = by_function(result)[fn], plain_points()[fn]
    assert plain < t.max_points, "the plain wrong answer loses points"
    assert t.points <= plain, t.message
    kinds = ("forbidden_import",) if case == IMPORTER else ("reaches_outside_sandbox", "forbidden_import")
    said = [f for f in result.integrity if f.kind in kinds and f.function == fn]
    if case == IMPORTER or t.status == "integrity":
        assert t.status == "integrity" and t.points == 0 and said, (t.message, lines(result))
    else:   # it reached for nothing the grader could see, found nothing and fell back on the plain answer
        assert (t.status, t.points) == ("graded", plain), t.message
    assert_rest_graded(result, FINDERS)


@pytest.mark.parametrize("case", SIGNALS)
def test_signalling_the_grader_earns_nothing(escapes, case):
    """Killing the parent process (the grader), every process in sight and kill -1, or the
    grader's process group: the function earns no more than the plain wrong answer and the rest
    of the notebook is graded (the grader living on: test_the_grader_lived_through_every_escape)."""
    fn = case.split("__")[0]
    result = escapes.result("signals")
    assert_no_more_than_plain(result, [fn])
    t = by_function(result)[fn]
    # a signal to another process is refused and said; one that reaches only the kernel itself
    # (pid 0, its own group; the first process of a PID namespace ignores it) kills it, and that
    # is said, or nothing happens and the plain answer is judged; kill -1 is always said
    said = {"integrity": [f.detail for f in result.integrity if f.function == fn and "signal" in f.detail],
            "died": [e.detail for e in result.events if e.kind == EventKind.DIED and e.where == f"the hidden cases of {fn}"],
            "graded": [t.message] if t.points == plain_points()[fn] and case != KILLS_ALL else []}
    assert said.get(t.status), (t.status, t.message, lines(result))
    assert_rest_graded(result, SIGNALS)


def test_other_students_work_and_the_gradebook_are_out_of_reach(escapes):
    """A cell that finds the course being graded (through the grader's working folder, /proc,
    mountinfo, install records) and takes the functions of the other student's submitted and
    graded notebooks, and reads the gradebook: it reads nothing, and earns no more than the
    plain wrong answers it sits under."""
    seen = escapes.seen("copies")
    assert seen is not None, lines(escapes.result("copies"))
    assert (seen["notebooks"], seen["adopted"], seen["gradebook_rows"]) == ([], [], 0), seen
    assert_no_more_than_plain(escapes.result("copies"), FUNCTIONS)


def test_writing_outside_the_scratch_folder_changes_nothing(escapes):
    """A cell that writes into the course (the other student's notebooks, the gradebook, a file
    of its own), /tmp, /var/tmp, /dev/shm, the grader's home, site-packages (a .pth file) and
    the folders the install records name: nothing of it reaches the machine."""
    result = escapes.result("writes")
    assert escapes.seen("writes", "WROTE") is not None, lines(result)
    assert escapes.changed == [], f"changed outside the kernel: {escapes.changed}"
    assert escapes.markers == [], f"written outside the kernel: {escapes.markers}"
    assert_no_more_than_plain(result, FUNCTIONS)
    assert_rest_graded(result, PLAIN)


def test_the_kernel_sees_only_its_own_scratch_folder(escapes):
    """Each notebook runs in a fresh scratch folder of its own; the course folder, other kernels
    and nbgrader's scratch courses are out of sight; what it writes elsewhere does not reach the
    grading machine; naming the course folder costs the credit."""
    first, second = escapes.seen("looks_around"), escapes.seen("looks_around_again")
    assert first and second, lines(escapes.result("looks_around"))
    assert first["here_before"] == [] and second["here_before"] == [], "a fresh scratch folder per notebook"
    assert first["cwd"] != second["cwd"]
    assert first["wrote"][0] == "notes.txt", first
    assert first["repo"] in (None, [".venv"]) and first["secrets"] == [], first
    cached = refcache.cache_dir()    # the reference's outcomes, kept by the grader: there, and out of sight
    assert cached is None or list(cached.glob("ps2_vanishing_gradients-*.json")), cached
    # a checkout under /tmp (as CI's may be) shows its own top folder: its .venv is bound back read-only
    repo_top = ROOT.resolve().relative_to("/tmp").parts[0] if ROOT.resolve().is_relative_to("/tmp") else None
    if escapes.level == "namespace":    # a /tmp of its own: its home folder and what it wrote there
        first_tmp = [n for n in first["tmp"] if n not in (repo_top, "left_by_a_student.txt")]
        second_tmp = [n for n in second["tmp"] if n not in (repo_top, "left_by_a_student.txt")]
        assert len(first_tmp) <= 1 and first_tmp != second_tmp, "other kernels' folders are hidden"
        assert len(first["processes"]) <= 3, "only the kernel's own processes"
    else:   # no namespaces: the shared folders and /proc stay closed
        assert first["tmp"] is None and first["processes"] is None, first
    assert escapes.leftovers == [], "reached the grading machine"
    for name in ("looks_around", "looks_around_again"):
        # the cell names the course folder: no function gets credit (a cell of its own could serve them all)
        assert all(t.passed or t.status == "integrity" for t in escapes.result(name).tests)
    assert by_function(escapes.result("looks_around"))["spectral_radius"].points == 0
    assert any(f.kind == "reads_grading_files" for f in escapes.result("looks_around").integrity)


#: runs each snippet given on stdin ({"snippets": {name: code}, "solutions": {grade_id: code}}) on an
#: input where the plain wrong answer and the reference differ
YARDSTICK = r"""
import contextlib, io, json, sys
import numpy as np
import solutions.ps2_vanishing_gradients as reference

CASES = {"spectral_radius": ([[0.0, 2.0], [-3.0, 0.1]],),
         "jacobian_power_norms": ([[0.5, 1.2], [0.0, 0.9]], 4),
         "chain_jacobian": ([[[0.5, -1.0], [1.5, 0.3]], [[0.2, 0.1], [-0.7, 2.0]]], [0.3, -0.8]),
         "numerical_gradient": (lambda v: float(np.sum(np.asarray(v) ** 3)), [0.4, -1.1], 1e-3),
         "gradient_magnitudes": ([[0.5, -1.0, 2.0], [1.5, 0.3, -0.2]], 0.7),
         "weight_grads_chain": ([0.5, -1.0, 2.0], 0.7, 1.0)}
given = json.load(sys.stdin)
found = {}
for name, code in given["snippets"].items():
    fn = name.split("__")[0]
    namespace = {}
    for gid, source in given["solutions"].items():
        if gid != "solution_" + fn:
            exec(source, namespace)
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        exec(code, namespace)
    if fn in CASES:
        args = CASES[fn]
        right = np.allclose(namespace[fn](*args), getattr(reference, fn)(*args))
        wrong = np.allclose(namespace["_plain_" + fn](*args), getattr(reference, fn)(*args))
        found[name] = bool(right and not wrong)
    else:
        seen = json.loads(text.getvalue().split("SEEN ", 1)[1].splitlines()[0])
        found[name] = bool(seen["notebooks"] and seen["adopted"] and seen["gradebook_rows"])
print(json.dumps(found))
"""


@pytest.mark.xdist_group("hostile_yardstick")
def test_the_finders_find_the_reference_when_nothing_hides_it():
    """The yardstick of the escape tests: run outside any sandbox (a plain Python process started
    from the course folder, in a PID namespace of its own, as a grader would start a kernel), each
    finder does find the reference, and the copying cell the other student's work and the
    gradebook; so "earns nothing" above is the sandbox's doing."""
    cage = enclosure()
    assert cage, "cannot make a PID namespace here (unshare) to run the yardstick in"
    site = CourseSite.make()
    try:
        given = {"snippets": {name: snippet(name) for name in FINDERS + [COPIES]}, "solutions": solutions()}
        proc = subprocess.run(cage + [sys.executable, "-c", YARDSTICK], input=json.dumps(given),
                              capture_output=True, text=True, timeout=240, cwd=site.course)
    finally:
        site.close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found == {name: True for name in FINDERS + [COPIES]}, found


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
    assert case in results, f"{case}: its submission was not built or not graded"
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
    assert any(e.kind == EventKind.TIMEOUT and "did not respond to an interrupt" in e.detail for e in r.events)
    assert_rest_graded(r, ["jacobian_power_norms__ignores_sigint"])


@STRUCTURE_DIRECT_GROUP
def test_zip_bomb_inside_an_lms_zip(tmp_path):
    """batch.collect refuses a zip bomb member and takes the other notebooks."""
    from depthlab.classgrade.collect import collect
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
    found = collect(A, zpath, root=root)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 150_000   # KiB: never inflated
    placed = {s.student: s for s in found.submissions}
    assert any(s.path is not None and s.path.read_bytes() == good for s in placed.values())
    refused = [s for s in placed.values() if s.path is None]
    assert len(refused) == 1 and re.search(r"zip bomb|MB", refused[0].rejected), refused

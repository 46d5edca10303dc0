"""The otter-grader material, generated from ``source/``: ``depthlab release`` calls :func:`build`.

For each assignment this writes, under ``assignments/<a>/``:

- ``<a>.ipynb``: an otter-assign (v1 format) master notebook, generated from
  ``source/<a>/<a>.ipynb`` (never edit it: edit the source);
- ``student/<a>.ipynb`` and ``student/tests/``: what otter's real ``otter assign``
  makes of it for students.  The notebook is the nbgrader release's notebook
  (same cells, same ``grade_id`` metadata, same ``raise NotImplementedError()``
  stubs) plus a first cell ``grader = otter.Notebook()`` (no file name, so a
  renamed copy still works) and one ``grader.check("<function>")`` cell after
  each function's test cell, which runs that cell's public asserts;
- ``autograder/<a>-autograder.zip``: the Gradescope autograder.  otter assign's
  zip (``run_autograder``, ``setup.sh``, ``environment.yml``, ``otter_config.json``,
  ``tests/``) plus ``requirements.txt`` (``environment.yml``'s pip packages, for
  a plain virtual environment) and ``depthlab/``: a wheel of this project's
  grading code (the judge, this assignment's checks and reference), the script
  that installs it (:data:`INSTALL_SCRIPT`) and the assignment's template
  notebook (the release: no solutions, no hidden tests) the judge matches
  submissions against.  The wheel is installed *outside* every Python
  environment, into :data:`GRADING_TARGET` (``setup.sh`` runs the script), and
  ``run_autograder`` puts that folder on the grading process's ``PYTHONPATH``
  only: the student's kernel (``python -S``, a cleaned environment, only the
  interpreter's own site-packages on ``sys.path``) can neither import it nor,
  isolated, read it.  The otter config names the depthlab plugin
  (:mod:`depthlab.engines.otter_plugin`), which grades outside the student's
  kernel and replaces otter's results.  The zip has a stable name and
  deterministic content (sorted entries, fixed dates), so an unchanged source
  gives a byte-identical zip.

The hidden tests in the zip are placeholders that always fail: without the
plugin, a submission gets no points rather than free ones.
"""
from __future__ import annotations

import ast
import base64
import builtins
import copy
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

import nbformat

from ..checks.registry import course_assignments, course_files
from ..judge.notebook import grade_id
from ..paths import course_root, source_notebook
from ..grading_files import package_root, wheel_files
from .otter_plugin import CHECK_RE, INIT_SOURCE, PLUGIN_NAME as PLUGIN, question_name  # noqa: F401 (re-exported)

PYTHON_VERSION = "3.11"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: where the grading code and the template live inside the autograder zip
ZIP_DIR = "depthlab"
#: where a course's own checks and reference live inside it (registry.course_files)
COURSE_DIR = f"{ZIP_DIR}/course"
GRADESCOPE_SOURCE = "/autograder/source"
#: where the zip's setup installs the grading wheel on Gradescope: a folder of its own, outside every
#: Python environment, on the grading process's path only (run_autograder's PYTHONPATH)
GRADING_TARGET = "/autograder/depthlab-grading"
#: the script, inside the zip's ``depthlab/`` folder, that installs the wheel there
INSTALL_SCRIPT = "install-grading.sh"
#: otter's conda environment on Gradescope (otter.generate's OTTER_ENV_NAME)
OTTER_ENV = "otter-env"
#: what the grading code needs at run time on Gradescope (otter brings the rest)
GRADING_REQUIREMENTS = ("numpy>=1.26", "matplotlib>=3.8", "nbformat>=5.10", "jupyter_client>=8.6",
                        "ipykernel>=6.29", "click>=8.1")

#: assignments/README.md (kept as a file: it is a page of text)
ASSIGNMENTS_README = Path(__file__).with_name("assignments_README.md").read_text(encoding="utf-8")


class OtterAssignError(RuntimeError):
    """otter assign failed, or the source notebook cannot be turned into a master notebook."""


# --------------------------------------------------------------------------- paths

def assignment_dir(assignment: str, root: Optional[Path] = None) -> Path:
    return Path(root or course_root()) / "assignments" / assignment


def zip_path(assignment: str, root: Optional[Path] = None) -> Path:
    return assignment_dir(assignment, root) / "autograder" / f"{assignment}-autograder.zip"


def student_notebook_path(assignment: str, root: Optional[Path] = None) -> Path:
    return assignment_dir(assignment, root) / "student" / f"{assignment}.ipynb"


# --------------------------------------------------------------------------- source -> master

def _kind(cell) -> str:
    meta = cell.get("metadata", {}).get("nbgrader") or {}
    if not meta.get("grade_id"):
        return "text" if cell.cell_type == "markdown" else "code"
    if meta.get("grade") and meta.get("solution"):
        return "written"
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "test"
    return "given"


def _raw(text: str, cid: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_raw_cell(text)
    cell.id = cid
    return cell


def _yaml_scalar(value) -> str:
    return json.dumps(value)


def _points(value) -> str:
    value = float(value or 0)
    return str(int(value)) if value.is_integer() else repr(value)


def _lock(cell) -> None:
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False


def otter_solution(source: str) -> str:
    """nbgrader's ``### BEGIN/END SOLUTION`` region in otter's markers.

    The student version otter makes is then what nbgrader makes: the region
    becomes ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the
    indentation of the BEGIN line (otter's own stub would be ``...``, which
    returns None instead of raising).
    """
    out, inside, indent = [], False, ""
    for line in source.split("\n"):
        if "BEGIN SOLUTION" in line and line.strip().startswith("#"):
            if inside:
                raise OtterAssignError("nested BEGIN SOLUTION")
            inside, indent = True, re.match(r"\s*", line).group(0)
            out.append(f"{indent}# BEGIN SOLUTION NO PROMPT")
        elif "END SOLUTION" in line and line.strip().startswith("#"):
            if not inside:
                raise OtterAssignError("END SOLUTION without BEGIN SOLUTION")
            inside = False
            out += [f"{indent}# END SOLUTION", f'{indent}""" # BEGIN PROMPT', f"{indent}# YOUR CODE HERE",
                    f"{indent}raise NotImplementedError()", f'{indent}""" # END PROMPT']
        else:
            out.append(line)
    if inside:
        raise OtterAssignError("BEGIN SOLUTION without END SOLUTION")
    return "\n".join(out)


def otter_markers(cell) -> list[str]:
    """Lines of a source cell that otter assign would read as its own markers
    (and silently drop or rewrite); the master notebook must have none."""
    problems = []
    solution = _kind(cell) == "solution"
    lines = cell.source.split("\n")
    if cell.cell_type == "raw" and lines and re.match(r"#\s+(begin|end)\s+\w+|#\s+assignment\s+config", lines[0], re.I):
        problems.append(lines[0])
    for line in lines:
        text = line.rstrip()
        if cell.cell_type == "markdown" and text.strip() == "```otter":
            problems.append(text)
        if text.endswith("# IGNORE") or re.match(r"\s*#\s*BEGIN\s*IGNORE", text, re.I):
            problems.append(text)
        if cell.cell_type == "code" and text.endswith("# SEED"):
            problems.append(text)
        marker = "BEGIN SOLUTION" in text or "END SOLUTION" in text
        if solution and cell.cell_type == "code" and not marker and (
                re.search(r"# ?SOLUTION", text) or text.endswith(("# BEGIN PROMPT", "# END PROMPT"))):
            problems.append(text)
    return problems


def _bound_names(tree: ast.AST) -> set:
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound


def public_test_function(code: str, name: str) -> Optional[str]:
    """The public asserts of a test cell as one otter exception-style test function.

    Otter calls it with the notebook's globals passed as arguments by name, so
    the parameters are the names the code reads but does not define.  ``None``
    when there is nothing to run or the code is not plain Python (magics).
    """
    if not code.strip():
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if not tree.body:
        return None
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    params = sorted(loaded - _bound_names(tree) - set(dir(builtins)) - {"env"})
    args = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in params], kwonlyargs=[], kw_defaults=[],
                         defaults=[])
    fn = ast.FunctionDef(name=name, args=args, body=tree.body, decorator_list=[], returns=None, type_params=[])
    return ast.unparse(ast.fix_missing_locations(ast.Module(body=[fn], type_ignores=[]))) + "\n"


def _test_cell(config: dict, code: str, cid: str) -> nbformat.NotebookNode:
    header = '""" # BEGIN TEST CONFIG\n' + "".join(f"{k}: {v}\n" for k, v in config.items()) + '""" # END TEST CONFIG\n'
    cell = nbformat.v4.new_code_cell(header + code)
    cell.id = cid
    return cell


def _placeholder(q: str) -> str:
    return (f"def test_{q}_graded_by_depthlab():\n"
            f"    raise AssertionError(\"{q} is graded by depthlab's judge outside the notebook (the depthlab otter \"\n"
            f"                         \"plugin); this placeholder only counts when that plugin did not run\")\n")


def assignment_config(assignment: str, course: bool = False) -> str:
    """otter assign's configuration; ``course``: the checks are the course's own, in the zip's COURSE_DIR."""
    lines = [
        "# ASSIGNMENT CONFIG",
        f"# GENERATED by `depthlab release` from source/{assignment}/{assignment}.ipynb: do not edit,",
        "# edit the source notebook and rerun `depthlab release`.",
        "init_cell: false            # our own init cell: otter.Notebook() without a file name",
        "check_all_cell: false",
        "export_cell: false          # students submit the .ipynb itself",
        "run_tests: false            # the hidden tests are placeholders; depthlab's plugin grades",
        f"python_version: {_yaml_scalar(PYTHON_VERSION)}",
        "tests:",
        "  files: true",
        "  ok_format: false",
        "requirements:               # the grading wheel's dependencies (the wheel itself: setup.sh, outside otter-env)",
        *[f"  - {_yaml_scalar(r)}" for r in GRADING_REQUIREMENTS],
        "generate:",
        "  show_stdout: false        # the autograder's stdout (integrity notes) is for instructors",
        "  show_hidden: false",
        "  show_all_public: true     # every depthlab test is reported as a public test with its message",
        "  plugins:",
        f"    - {PLUGIN}:",
        f"        assignment: {assignment}",
        f"        template: {ZIP_DIR}/template/{assignment}.ipynb",
        *([f"        course: {COURSE_DIR}"] if course else []),
    ]
    return "\n".join(lines)


def master_notebook(assignment: str, root: Optional[Path] = None) -> nbformat.NotebookNode:
    """The otter-assign master notebook generated from the source notebook."""
    src_path = source_notebook(assignment, root)
    src = nbformat.read(str(src_path), as_version=4)
    own = assignment in course_assignments(Path(root or course_root()))
    cells = [_raw(assignment_config(assignment, own), "otter-assignment-config")]
    init = nbformat.v4.new_code_cell(INIT_SOURCE)
    init.id = "otter-init"
    _lock(init)
    cells.append(init)
    source_cells = list(src.cells)
    for cell in source_cells:
        bad = otter_markers(cell)
        if bad:
            raise OtterAssignError(f"{src_path}: cell {grade_id(cell) or cell.get('id')} has lines otter assign "
                                   f"would take for its own markers: {bad[:3]}")
    i = 0
    while i < len(source_cells):
        cell = copy.deepcopy(source_cells[i])
        kind = _kind(cell)
        nxt = source_cells[i + 1] if i + 1 < len(source_cells) else None
        if kind == "solution":
            test_index = _matching_test(source_cells, i)
            gid = grade_id(cell)
            end = test_index if test_index is not None else i
            q = question_name(grade_id(source_cells[test_index])) if test_index is not None else gid[len("solution_"):]
            points = _points((source_cells[test_index].metadata.nbgrader.get("points") if test_index is not None else 0))
            cells.append(_raw(f"# BEGIN QUESTION\nname: {q}\npoints: {points}", f"otter-q-{q}"))
            cells.append(_raw("# BEGIN SOLUTION", f"otter-q-{q}-sol"))
            cell.source = otter_solution(cell.source)
            cells.append(cell)
            cells.append(_raw("# END SOLUTION", f"otter-q-{q}-endsol"))
            for between in source_cells[i + 1:end]:
                cells.append(_plain(copy.deepcopy(between)))
            if test_index is not None:
                cells.extend(_test_block(copy.deepcopy(source_cells[test_index]), q, points))
            cells.append(_raw("# END QUESTION", f"otter-q-{q}-end"))
            i = end + 1
            continue
        if kind == "test":
            q = question_name(grade_id(cell))
            points = _points(cell.metadata.nbgrader.get("points"))
            cells.append(_raw(f"# BEGIN QUESTION\nname: {q}\npoints: {points}", f"otter-q-{q}"))
            cells.extend(_test_block(cell, q, points))
            cells.append(_raw("# END QUESTION", f"otter-q-{q}-end"))
            i += 1
            continue
        if kind == "written" or (cell.cell_type == "markdown" and nxt is not None and _kind(nxt) == "written"):
            prompt, answer = (None, cell) if kind == "written" else (cell, copy.deepcopy(nxt))
            cells.extend(_manual_question(prompt, answer))
            i += 1 if prompt is None else 2
            continue
        cells.append(_plain(cell))
        i += 1
    ids = [c.get("id") for c in cells]
    dup = {x for x in ids if ids.count(x) > 1}
    if dup:
        raise OtterAssignError(f"{assignment}: duplicated cell ids in the master notebook: {sorted(dup)}")
    meta = copy.deepcopy(src.metadata)
    meta["depthlab"] = {"generated_from": f"source/{assignment}/{assignment}.ipynb",
                        "note": "GENERATED by `depthlab release`: do not edit; edit the source notebook"}
    nb = nbformat.v4.new_notebook(cells=cells, metadata=meta)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def _manual_question(prompt, answer) -> list:
    """A written answer as an otter manual question: the model answer is the
    solution (students get otter's answer cell).  Otter marks a manual
    question's first and following cells with PDF-filtering comments; two empty
    markdown cells of ours take them, so the given cells stay as released."""
    q = grade_id(answer)
    points = _points(answer.metadata.nbgrader.get("points"))
    begin, end = nbformat.v4.new_markdown_cell(""), nbformat.v4.new_markdown_cell("")
    begin.id, end.id = f"otter-q-{q}-pdf-begin", f"otter-q-{q}-pdf-end"
    out = [_raw(f"# BEGIN QUESTION\nname: {q}\nmanual: true\npoints: {points}", f"otter-q-{q}"), begin]
    if prompt is not None:
        out.append(_plain(prompt))
    out += [_raw("# BEGIN SOLUTION", f"otter-q-{q}-sol"), answer, _raw("# END SOLUTION", f"otter-q-{q}-endsol"),
            _raw("# END QUESTION", f"otter-q-{q}-end"), end]
    return out


def _plain(cell):
    """A cell outside any question: strip outputs; lock what nbgrader locks."""
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    if (cell.metadata.get("nbgrader") or {}).get("locked"):
        _lock(cell)
    return cell


def _matching_test(cells, i: int) -> Optional[int]:
    """The test cell of the function whose solution cell is ``cells[i]``: the next
    graded test cell, if no other solution cell comes first."""
    fn = grade_id(cells[i])[len("solution_"):]
    for j in range(i + 1, len(cells)):
        kind = _kind(cells[j])
        if kind == "solution":
            return None
        if kind == "test":
            return j if grade_id(cells[j]) == f"test_{fn}" else None
    return None


def release_test_source(source: str) -> str:
    """A test cell as nbgrader releases it: the lines from ``### BEGIN HIDDEN TESTS``
    to ``### END HIDDEN TESTS`` removed (nbgrader's ClearHiddenTests, line by line)."""
    out, inside = [], False
    for line in source.split("\n"):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END HIDDEN TESTS" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _test_block(test_cell, q: str, points: str) -> list:
    """The visible public test cell (as released), then otter's tests of the question."""
    public = release_test_source(test_cell.source)
    visible = copy.deepcopy(test_cell)
    visible.source = public
    visible.outputs, visible.execution_count = [], None
    _lock(visible)
    out = [visible, _raw("# BEGIN TESTS", f"otter-q-{q}-tests")]
    fn = public_test_function(public, f"test_{q}_public_examples")
    if fn:
        out.append(_test_cell({"hidden": "false", "points": 0}, fn, f"otter-q-{q}-public"))
    out.append(_test_cell({"hidden": "true", "points": points}, _placeholder(q), f"otter-q-{q}-hidden"))
    out.append(_raw("# END TESTS", f"otter-q-{q}-endtests"))
    return out


# --------------------------------------------------------------------------- template for the judge

def template_notebook(assignment: str, root: Optional[Path] = None) -> nbformat.NotebookNode:
    """What the judge needs of the source notebook, without solutions, model answers or hidden tests.

    Shipped in the autograder zip: the judge matches submissions against it
    (cell kinds, given and setup cells, the public part of test cells).
    """
    nb = nbformat.read(str(source_notebook(assignment, root)), as_version=4)
    for cell in nb.cells:
        kind = _kind(cell)
        if kind == "solution":
            cell.source = _stub(cell.source)
        elif kind == "written":
            cell.source = "YOUR ANSWER HERE"
        elif kind == "test":
            cell.source = release_test_source(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _stub(source: str) -> str:
    out, inside = [], False
    for line in source.split("\n"):
        if "BEGIN SOLUTION" in line:
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out += [indent + "# YOUR CODE HERE", indent + "raise NotImplementedError()"]
        elif "END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- the grading wheel

def _project_version(repo: Path) -> str:
    import tomllib
    try:
        return tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError):
        from importlib.metadata import version
        return version("depthlab")


def _package_root() -> Path:
    return package_root()


def wheel_name(version: Optional[str] = None) -> str:
    version = version or _project_version(_package_root().parent)
    return f"depthlab-{version}-py3-none-any.whl"



def build_wheel(assignment: str, root: Optional[Path] = None) -> tuple[str, bytes]:
    """A pure-Python wheel (PEP 427) of the grading code, byte-identical for the same sources: one
    assignment's slice of the package, which ``python -m build`` builds neither alone nor byte-stable."""
    version = _project_version(_package_root().parent)
    name = wheel_name(version)
    dist = f"depthlab-{version}.dist-info"
    files = wheel_files(assignment, root)
    requires = "".join(f"Requires-Dist: {r}\n" for r in GRADING_REQUIREMENTS)
    files[f"{dist}/METADATA"] = (
        "Metadata-Version: 2.1\nName: depthlab\n"
        f"Version: {version}\nSummary: depthlab's grading code for the {assignment} autograder (generated)\n"
        f"Requires-Python: >=3.11\n{requires}").encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: depthlab otter_assign\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    tops = sorted({p.split("/")[0] for p in files if not p.startswith(dist)})
    files[f"{dist}/top_level.txt"] = ("\n".join(tops) + "\n").encode()
    record = []
    for path in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[path]).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(files[path])}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    return name, deterministic_zip(files)


# --------------------------------------------------------------------------- deterministic zips

EXECUTABLE = {"run_autograder", "setup.sh", INSTALL_SCRIPT}


def deterministic_zip(entries: dict) -> bytes:
    """Zip ``{name: bytes}`` with sorted names, fixed dates and fixed permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = 0o755 if Path(name).name in EXECUTABLE else 0o644
            info.external_attr = (0o100000 | mode) << 16
            zf.writestr(info, entries[name])
    return buf.getvalue()


def zip_entries(path_or_bytes) -> dict:
    """``{name: bytes}`` of a zip file (directories left out)."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


# --------------------------------------------------------------------------- otter assign

def run_otter_assign(master: Path, dist: Path) -> None:
    """The real ``otter assign`` (its command line, in a child process)."""
    cmd = [sys.executable, "-m", "otter", "assign", "--no-run-tests", "--no-pdfs", str(master), str(dist)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(master.parent), timeout=600)
    if proc.returncode != 0:
        raise OtterAssignError(f"otter assign failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")


def _student_notebook(path: Path, master: nbformat.NotebookNode) -> str:
    """otter's student notebook with deterministic cell ids, no depthlab build
    metadata, and the written answers' nbgrader metadata on otter's answer cells
    (so the otter notebook has every cell the nbgrader release has)."""
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.pop("depthlab", None)
    master_ids = {c.get("id") for c in master.cells}
    written = {grade_id(c): c.metadata["nbgrader"] for c in master.cells if _kind(c) == "written"}
    question = None
    for index, cell in enumerate(nb.cells):
        m = re.match(r"otter-q-(.+)-pdf-begin$", cell.get("id", ""))
        if m:
            question = m.group(1)
        if cell.get("id") in master_ids:
            continue
        check = CHECK_RE.match(cell.source) if cell.cell_type == "code" else None
        if check:
            cell.id = f"otter-check-{check.group('q')}"
        elif cell.cell_type == "markdown" and "otter_answer_cell" in cell.metadata.get("tags", []) and question in written:
            cell.id = f"otter-answer-{question}"
            cell.metadata["nbgrader"] = copy.deepcopy(written[question])
            question = None
        else:
            cell.id = f"otter-{index:03d}"
    return nbformat.writes(nb) + "\n"


def _autograder_zip(assignment: str, dist: Path, root: Optional[Path]) -> bytes:
    zips = sorted((dist / "autograder").glob("*-autograder_*.zip"))
    if len(zips) != 1:
        raise OtterAssignError(f"expected one autograder zip from otter assign, found {[z.name for z in zips]}")
    entries = zip_entries(zips[0])
    name, wheel = build_wheel(assignment, root)
    entries[f"{ZIP_DIR}/{name}"] = wheel
    entries.update({f"{COURSE_DIR}/{rel}": data for rel, data in course_files(assignment, root).items()})
    entries[f"{ZIP_DIR}/template/{assignment}.ipynb"] = (nbformat.writes(template_notebook(assignment, root)) + "\n").encode()
    entries[f"{ZIP_DIR}/{INSTALL_SCRIPT}"] = install_script(name).encode()
    entries["requirements.txt"] = requirements_txt(entries["environment.yml"]).encode()
    entries["setup.sh"] = gradescope_setup(entries["setup.sh"].decode()).encode()
    entries["run_autograder"] = gradescope_run_autograder(entries["run_autograder"].decode()).encode()
    return deterministic_zip(entries)


# --------------------------------------------------------------------------- Gradescope: the grading code out of the kernel's view

def install_script(wheel: str) -> str:
    """``depthlab/install-grading.sh``: the wheel into :data:`GRADING_TARGET`, with the
    ``python`` on ``PATH`` (``setup.sh`` runs it inside otter's environment)."""
    source = f"{GRADESCOPE_SOURCE}/{ZIP_DIR}"
    return f"""#!/bin/bash
# GENERATED by `depthlab release` (autograder/depthlab/engines/otter_assign.py): do not edit.
#
# Installs depthlab's grading code and this assignment's reference (the wheel next
# to this script) into {GRADING_TARGET}: a folder outside every Python
# environment, so it is on no interpreter's path. run_autograder gives it to the
# grading process alone (PYTHONPATH); the student's notebook runs in a kernel
# started with `python -S`, a cleaned environment and only the interpreter's own
# site-packages on sys.path. The folder and {source} are made
# readable by root only, so a kernel running as another user cannot read them either.
# setup.sh runs this inside otter's environment; elsewhere, the python on PATH.
set -euo pipefail
rm -rf {GRADING_TARGET}
python -m pip install --quiet --no-deps --no-index --target {GRADING_TARGET} {source}/{wheel}
chmod -R go-rwx {GRADING_TARGET} {source}
"""


def requirements_txt(environment_yml: bytes) -> str:
    """The pip packages of otter's ``environment.yml`` (otter-grader and the grading
    wheel's dependencies), for a grader that uses a plain virtual environment."""
    import yaml
    env = yaml.safe_load(environment_yml)
    pips = [d["pip"] for d in env.get("dependencies", []) if isinstance(d, dict) and "pip" in d]
    if len(pips) != 1:
        raise OtterAssignError(f"otter's environment.yml has {len(pips)} pip sections, expected one")
    local = [r for r in pips[0] if "/" in r]
    if local:
        raise OtterAssignError(f"environment.yml installs files into otter's environment: {local}; the grading "
                               "wheel must stay out of it (install-grading.sh installs it)")
    return ("# GENERATED by `depthlab release`: environment.yml's pip packages. The grading wheel is not here:\n"
            f"# {ZIP_DIR}/{INSTALL_SCRIPT} installs it outside the environment.\n" + "\n".join(pips[0]) + "\n")


def gradescope_setup(otter_setup: str) -> str:
    """otter's ``setup.sh``, then the grading wheel installed by :func:`install_script`."""
    return (otter_setup.rstrip("\n") + "\n\n"
            "# depthlab (GENERATED by `depthlab release`): the grading code and the reference go\n"
            f"# into {GRADING_TARGET}, outside {OTTER_ENV}, out of the student's kernel's view.\n"
            f"mamba run -n {OTTER_ENV} bash {GRADESCOPE_SOURCE}/{ZIP_DIR}/{INSTALL_SCRIPT}\n")


def gradescope_run_autograder(otter_run: str) -> str:
    """otter's ``run_autograder`` with the grading folder on the grader's path.

    Otter's script activates its conda environment, then runs ``run_otter.py``.
    Here the activation happens where that environment exists (Gradescope's
    image, ``/root/miniforge3``); elsewhere (a virtual environment with
    ``requirements.txt``, first on ``PATH``) the ``python`` on ``PATH`` runs.
    """
    lines = otter_run.rstrip("\n").split("\n")
    run = f"python {GRADESCOPE_SOURCE}/run_otter.py"
    if len(lines) < 3 or not lines[0].startswith("#!") or lines[-1] != run \
            or not any(f"activate {OTTER_ENV}" in l for l in lines[1:-1]):
        raise OtterAssignError("otter's run_autograder is not the script depthlab knows (a shebang, the activation of "
                               f"{OTTER_ENV}, then `{run}`):\n{otter_run}")
    activation = "\n".join("    " + l for l in lines[1:-1])
    return f"""{lines[0]}
# GENERATED by `depthlab release` from otter assign's run_autograder: do not edit.
# The grading code and the reference are in {GRADING_TARGET} (setup.sh), on
# this process's path only: the student's kernel, started with `python -S` and a
# cleaned environment, neither imports nor (isolated) reads them.
if [ -d /root/miniforge3 ]; then
    # Gradescope: the conda environment setup.sh made
{activation}
fi
# elsewhere: the python first on PATH (a virtual environment with requirements.txt)
export PYTHONPATH={GRADING_TARGET}
{run}
"""


def generate(assignment: str, root: Optional[Path] = None) -> dict:
    """Everything for ``assignments/<a>/``, as ``{relative path: bytes}``, generated in a scratch folder."""
    root = Path(root or course_root())
    master = master_notebook(assignment, root)
    master_text = nbformat.writes(master) + "\n"
    files = {f"{assignment}.ipynb": master_text.encode()}
    with tempfile.TemporaryDirectory(prefix="depthlab-otter-") as tmp:
        tmp = Path(tmp)
        (tmp / f"{assignment}.ipynb").write_text(master_text)
        run_otter_assign(tmp / f"{assignment}.ipynb", tmp / "dist")
        dist = tmp / "dist"
        files[f"student/{assignment}.ipynb"] = _student_notebook(dist / "student" / f"{assignment}.ipynb", master).encode()
        for test in sorted((dist / "student" / "tests").glob("*.py")):
            files[f"student/tests/{test.name}"] = test.read_bytes()
        files[f"autograder/{assignment}-autograder.zip"] = _autograder_zip(assignment, dist, root)
    return files


def build(assignment: str, root: Optional[Path] = None) -> list[Path]:
    """Regenerate ``assignments/<a>/`` (and ``assignments/README.md``); return the files written."""
    root = Path(root or course_root())
    files = generate(assignment, root)
    target = assignment_dir(assignment, root)
    if target.exists():
        shutil.rmtree(target)
    written = []
    for rel, data in sorted(files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    readme = root / "assignments" / "README.md"
    readme.write_text(ASSIGNMENTS_README)
    written.append(readme)
    return written


def stale_files(assignment: str, root: Optional[Path] = None, fresh: Optional[dict] = None) -> list[str]:
    """What differs between ``assignments/<a>/`` and a fresh generation (empty: up to date).

    ``fresh``: the output of :func:`generate`, if already at hand.  The zip is
    compared entry by entry (names and contents, the wheel inside it file by
    file), so the answer says what changed, not just that bytes differ.
    """
    root = Path(root or course_root())
    fresh = fresh if fresh is not None else generate(assignment, root)
    target = assignment_dir(assignment, root)
    committed = {p.relative_to(target).as_posix(): p.read_bytes()
                 for p in sorted(target.rglob("*")) if p.is_file()} if target.exists() else {}
    out = [f"assignments/{assignment}/{rel} (missing)" for rel in fresh if rel not in committed]
    out += [f"assignments/{assignment}/{rel} (not generated any more)" for rel in committed if rel not in fresh]
    for rel in sorted(set(fresh) & set(committed)):
        if fresh[rel] == committed[rel]:
            continue
        if rel.endswith(".zip"):
            out += [f"assignments/{assignment}/{rel}: {d}" for d in zip_differences(committed[rel], fresh[rel])]
        else:
            out.append(f"assignments/{assignment}/{rel}")
    readme = root / "assignments" / "README.md"
    if not readme.exists() or readme.read_text() != ASSIGNMENTS_README:
        out.append("assignments/README.md")
    return out


def zip_differences(old: bytes, new: bytes) -> list[str]:
    """Entries that differ between two zips; wheels inside are compared file by file."""
    a, b = zip_entries(old), zip_entries(new)
    out = [f"{n} (missing)" for n in sorted(set(b) - set(a))] + [f"{n} (extra)" for n in sorted(set(a) - set(b))]
    for n in sorted(set(a) & set(b)):
        if a[n] != b[n]:
            if n.endswith(".whl"):
                out += [f"{n}: {d}" for d in zip_differences(a[n], b[n])]
            else:
                out.append(n)
    if not out and old != new:
        out.append("zip metadata (dates, order or permissions)")
    return out

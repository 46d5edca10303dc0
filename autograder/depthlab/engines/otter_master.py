"""The otter-assign master notebook and the judge's template, both rewritten from
``source/<a>/<a>.ipynb``, and otter's student notebook made deterministic.

The master notebook is what :func:`depthlab.engines.otter_assign.generate` hands
to the real ``otter assign``; the zip layout its configuration names (``ZIP_DIR``,
``COURSE_DIR``) is defined here and used by :mod:`.otter_assign`, which builds the
student material and the Gradescope zip from it.
"""
from __future__ import annotations

import ast
import builtins
import copy
import json
import re
from pathlib import Path
from typing import Optional

import nbformat

from ..checks.registry import course_assignments
from ..judge.notebook import grade_id
from ..paths import course_root, source_notebook
from .otter_plugin import CHECK_RE, INIT_SOURCE, PLUGIN_NAME as PLUGIN, question_name

PYTHON_VERSION = "3.11"
#: where the grading code and the template live inside the autograder zip
ZIP_DIR = "depthlab"
#: where a course's own checks and reference live inside it (registry.course_files)
COURSE_DIR = f"{ZIP_DIR}/course"
#: what the grading code needs at run time on Gradescope (otter brings the rest)
GRADING_REQUIREMENTS = ("numpy>=1.26", "matplotlib>=3.8", "nbformat>=5.10", "jupyter_client>=8.6",
                        "ipykernel>=6.29", "click>=8.1")


class OtterAssignError(RuntimeError):
    """otter assign failed, or the source notebook cannot be turned into a master notebook."""


# --------------------------------------------------------------------------- source -> master

def cell_kind(cell) -> str:
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
    solution = cell_kind(cell) == "solution"
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
        kind = cell_kind(cell)
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
        if kind == "written" or (cell.cell_type == "markdown" and nxt is not None and cell_kind(nxt) == "written"):
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
        kind = cell_kind(cells[j])
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
        kind = cell_kind(cell)
        if kind == "solution":
            cell.source = solution_stub(cell.source)
        elif kind == "written":
            cell.source = "YOUR ANSWER HERE"
        elif kind == "test":
            cell.source = release_test_source(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def solution_stub(source: str) -> str:
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


# --------------------------------------------------------------------------- otter's student notebook

def student_notebook(path: Path, master: nbformat.NotebookNode) -> str:
    """otter's student notebook with deterministic cell ids, no depthlab build
    metadata, and the written answers' nbgrader metadata on otter's answer cells
    (so the otter notebook has every cell the nbgrader release has)."""
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.pop("depthlab", None)
    master_ids = {c.get("id") for c in master.cells}
    written = {grade_id(c): c.metadata["nbgrader"] for c in master.cells if cell_kind(c) == "written"}
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

"""Malformed notebooks, generated (issue 12, item 7).

Hypothesis takes real submissions, each assignment's blank release notebook and
its reference-filled ("perfect") copy, and breaks them: cell types, deleted,
duplicated and moved cells, nbgrader metadata, cell ids, sources, outputs,
encodings, the JSON's structure and sizes up to and just past the grader's
limits.  The property, for each mutated file written to disk: grading gives it
exactly one result, which either has a score (every test with its points) or
one clear error line (one line, no traceback, under 300 characters); nothing
raises.

Where the time goes: most mutations stop a notebook before any code runs, so
:func:`check_in_process` drives them through the grader's real path
(``NotebookGrader.grade_path``: read, wrong-assignment check, plan) in this
process, up to the point where a kernel would start.  Mutations that leave
runnable code are graded in real sandboxed kernels in batches
(``grade_notebooks``, engine ``direct``), and a few through the nbgrader and
otter engines.

Counts: ``DEPTHLAB_FUZZ_PROFILE=long`` (or ``scripts/fuzz_notebooks.py``,
which runs thousands) raises them; the default profile is what ``make test``
runs, derandomized so CI is reproducible.
"""
from __future__ import annotations

import copy
import functools
import json
import math
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depthlab import classgen
from depthlab.config import GradingConfig
from depthlab.grading import grade_notebooks
from depthlab.judge.notebook import MAX_CELLS, SubmissionError, make_plan, read_notebook
from depthlab.judge.prepare import known_assignments, load_spec
from depthlab.judge.results import EventKind, NotebookResult
from depthlab.judge.session import NotebookGrader
from depthlab.paths import release_notebook, source_notebook

ASSIGNMENTS = [a for a in known_assignments() if source_notebook(a).exists() and release_notebook(a).exists()]

#: the grader's documented limit on a file's size (judge/notebook.py)
MAX_BYTES = 50_000_000
#: kernels in these tests: short limits, a mutated notebook should not hang anyway
FAST = GradingConfig(test_timeout=4, cell_timeout=10, notebook_timeout=120)

# --------------------------------------------------------------------------- settings

#: examples per test: "ci" is what ``make test`` runs; "long" is for a longer look
COUNTS = {
    "ci": {"in_process": 300, "kernel": 4, "engines": 2},
    "long": {"in_process": 3000, "kernel": 30, "engines": 10},
}
PROFILE = os.environ.get("DEPTHLAB_FUZZ_PROFILE", "ci")
for _name in COUNTS:
    settings.register_profile(
        f"depthlab-fuzz-{_name}", deadline=None, database=None, print_blob=True,
        derandomize=_name == "ci",   # CI: the same cases every run
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


def fuzz_settings(kind: str, **overrides) -> settings:
    """The profile's settings with its number of examples for ``kind``."""
    parent = settings.get_profile(f"depthlab-fuzz-{PROFILE}")
    return settings(parent, max_examples=overrides.pop("max_examples", COUNTS[PROFILE][kind]), **overrides)


# --------------------------------------------------------------------------- real submissions

@functools.lru_cache(maxsize=None)
def base_json(assignment: str, kind: str) -> str:
    """The JSON text of a real submission: the blank release or the reference-filled one."""
    if kind == "blank":
        return release_notebook(assignment).read_text(encoding="utf-8")
    return nbformat.writes(classgen.fill_release(assignment, classgen.reference_sources(assignment)))


def base(assignment: str, kind: str) -> dict:
    return json.loads(base_json(assignment, kind))


# --------------------------------------------------------------------------- cases

@dataclass
class Case:
    """One mutated submission: where it came from, what was done, and the file's bytes."""

    assignment: str
    kind: str
    steps: list = field(default_factory=list)
    data: bytes = b""
    name: str = "submission.ipynb"

    def __repr__(self) -> str:   # what hypothesis prints for a failing case: the recipe, not megabytes
        return f"Case({self.assignment}/{self.kind} -> {self.name!r}: {'; '.join(self.steps) or 'unchanged'})"

    def _repr_pretty_(self, printer, cycle) -> None:   # hypothesis's printer, same text
        printer.text(repr(self))

    def write(self, folder: Path, index: int = 0) -> Path:
        target = Path(folder) / f"{index:04d}" / self.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.data)
        return target


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 12]}... ({len(text)} chars)"


def _cells(doc):
    cells = doc.get("cells") if isinstance(doc, dict) else None
    return cells if isinstance(cells, list) else None


def _pick(draw, doc, want=None):
    """Index of a cell (one ``want(cell)`` accepts, if any does), or None without cells."""
    cells = _cells(doc)
    if not cells:
        return None
    choices = [i for i, c in enumerate(cells) if want is None or want(c)] or list(range(len(cells)))
    return draw(st.sampled_from(choices))


def _nbgrader(cell) -> bool:
    return isinstance(cell, dict) and isinstance(cell.get("metadata"), dict) and "nbgrader" in cell["metadata"]


HUGE = "x" * 100_000
LONE_SURROGATES = ("\ud800", "\udfff", "\udc80")
ODD_STRINGS = ("", " ", "\n", "x\ny", "\x00", "\ud800", "ü", "../../etc/passwd", "grade_id", "<script>", HUGE)
#: values for nbgrader metadata fields and other places that expect a number, a string or a flag
ODD_VALUES = (None, True, False, 0, -1, 3, 2 ** 70, 1e308, float("nan"), float("inf"), -float("inf"), 1.5,
              "3", "-2", "NaN", [], [1, 2], {}, {"a": 1}) + ODD_STRINGS
NBGRADER_KEYS = ("grade_id", "points", "schema_version", "checksum", "grade", "solution", "locked", "task",
                 "cell_type")


# Mutations: ``mutate(draw, doc) -> (doc, step)``; ``doc`` is parsed JSON, changed
# in place or replaced; ``step`` says what was done (for the failing case's repr).

def set_cell_type(draw, doc):
    i = _pick(draw, doc)
    if i is None:
        return doc, "no cell to retype"
    value = draw(st.sampled_from(("code", "markdown", "raw", "heading", "unknown", "", None, 3, ["code"])))
    if isinstance(doc["cells"][i], dict):
        doc["cells"][i]["cell_type"] = value
    return doc, f"cell {i} cell_type={value!r}"


def delete_cells(draw, doc):
    cells = _cells(doc)
    if not cells:
        return doc, "no cell to delete"
    start = draw(st.integers(0, len(cells) - 1))
    count = draw(st.sampled_from((1, 1, 1, 3, len(cells))))
    del cells[start:start + count]
    return doc, f"deleted cells {start}..{start + count - 1}"


def duplicate_cell(draw, doc):
    cells = _cells(doc)
    if not cells:
        return doc, "no cell to duplicate"
    i = _pick(draw, doc, _nbgrader)
    at = draw(st.integers(0, len(cells)))
    cells.insert(at, copy.deepcopy(cells[i]))
    return doc, f"cell {i} duplicated at {at}"


def move_cell(draw, doc):
    cells = _cells(doc)
    if not cells:
        return doc, "no cell to move"
    i = _pick(draw, doc)
    cell = cells.pop(i)
    at = draw(st.integers(0, len(cells)))
    cells.insert(at, cell)
    return doc, f"cell {i} moved to {at}"


JUNK_CELLS = (None, 5, "text", [], {}, {"cell_type": "code"}, {"cell_type": "markdown", "source": 5},
              {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "x = 1"},
              {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
               "source": "def f(:\n    pass"},
              {"source": "print('no type')", "metadata": {}},
              {"cell_type": "heading", "level": 2, "source": "Old heading", "metadata": {}})


def insert_junk_cell(draw, doc):
    cells = _cells(doc)
    if cells is None:
        return doc, "no cells to insert into"
    junk = draw(st.sampled_from(JUNK_CELLS))
    at = draw(st.integers(0, len(cells)))
    cells.insert(at, copy.deepcopy(junk))
    return doc, f"inserted {_short(junk)} at {at}"


def cell_metadata(draw, doc):
    i = _pick(draw, doc, _nbgrader)
    if i is None or not isinstance(doc["cells"][i], dict):
        return doc, "no cell for metadata"
    value = draw(st.sampled_from((None, [], "x", 5, {}, {"nbgrader": None}, {"nbgrader": "x"}, {"nbgrader": []},
                                  {"nbgrader": {}}, {"tags": "setup"}, {"tags": [1, None]}, {"tags": ["setup"]},
                                  {"editable": "no", "deletable": 0})))
    if draw(st.booleans()) and isinstance(doc["cells"][i].get("metadata"), dict) and isinstance(value, dict):
        doc["cells"][i]["metadata"].update(copy.deepcopy(value))
        return doc, f"cell {i} metadata updated with {_short(value)}"
    doc["cells"][i]["metadata"] = copy.deepcopy(value)
    return doc, f"cell {i} metadata={_short(value)}"


@functools.lru_cache(maxsize=None)
def _all_grade_ids() -> tuple:
    """Every grade_id of every assignment's release (a cell pasted from another notebook)."""
    return tuple(sorted({c["metadata"]["nbgrader"]["grade_id"] for a in ASSIGNMENTS for c in base(a, "blank")["cells"]
                         if "nbgrader" in c["metadata"]}))


def nbgrader_field(draw, doc):
    i = _pick(draw, doc, _nbgrader)
    cells = _cells(doc)
    if i is None or not _nbgrader(cells[i]) or not isinstance(cells[i]["metadata"]["nbgrader"], dict):
        return doc, "no nbgrader metadata"
    meta = cells[i]["metadata"]["nbgrader"]
    key = draw(st.sampled_from(NBGRADER_KEYS + ("extra_key",)))
    others = [c["metadata"]["nbgrader"].get("grade_id") for c in cells
              if _nbgrader(c) and isinstance(c["metadata"]["nbgrader"], dict)]
    how = draw(st.sampled_from(("delete", "odd", "odd", "another cell's grade_id", "another assignment's grade_id")))
    if how == "delete":
        meta.pop(key, None)
        return doc, f"cell {i} nbgrader.{key} deleted"
    if how == "another assignment's grade_id":
        value = draw(st.sampled_from(_all_grade_ids()))
    else:
        value = draw(st.sampled_from(others)) if how == "another cell's grade_id" else draw(st.sampled_from(ODD_VALUES))
    meta[key] = value
    return doc, f"cell {i} nbgrader.{key}={_short(value)}"


def cell_id(draw, doc):
    cells = _cells(doc)
    i = _pick(draw, doc)
    if i is None or not isinstance(cells[i], dict):
        return doc, "no cell for an id"
    how = draw(st.sampled_from(("delete", "duplicate", "odd")))
    if how == "delete":
        cells[i].pop("id", None)
        return doc, f"cell {i} id deleted"
    if how == "duplicate":
        j = _pick(draw, doc)
        value = cells[j].get("id") if isinstance(cells[j], dict) else "dup"
    else:
        value = draw(st.sampled_from((None, 5, [], {}, "", "bad id/with spaces", "ü", "a" * 65, HUGE)))
    cells[i]["id"] = value
    return doc, f"cell {i} id={_short(value)}"


def _source_text(cell) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def cell_source(draw, doc):
    cells = _cells(doc)
    student = draw(st.booleans())   # a solution cell (parsed and run by the grader), else any code cell
    i = _pick(draw, doc, lambda c: isinstance(c, dict) and c.get("cell_type") == "code"
              and (not student or "solution_" in str(c.get("metadata"))))
    if i is None or not isinstance(cells[i], dict):
        return doc, "no cell for a source"
    text = _source_text(cells[i])
    at = draw(st.integers(0, len(text)))
    how = draw(st.sampled_from(("lines", "non-str items", "not a string", "invalid python", "nul byte",
                                "lone surrogate", "long line", "huge", "crlf", "bom", "text")))
    if how == "lines":
        value = text.splitlines(keepends=True)
    elif how == "non-str items":
        value = text.splitlines(keepends=True) + draw(st.sampled_from(([5], [None], [["x"]], [{"a": 1}])))
    elif how == "not a string":
        value = draw(st.sampled_from((5, None, True, {"a": 1}, 1.5)))
    elif how == "invalid python":
        value = text[:at] + draw(st.sampled_from(("def (:", "\n    return\n", "'''", "\x0c", "@"))) + text[at:]
    elif how == "nul byte":
        value = text[:at] + "\x00" + text[at:]
    elif how == "lone surrogate":
        value = text[:at] + "# " + draw(st.sampled_from(LONE_SURROGATES)) + "\n" + text[at:]
    elif how == "long line":
        value = text + "\n_long = '" + "a" * draw(st.sampled_from((10_000, 1_000_000))) + "'\n"
    elif how == "huge":
        value = (text + "\n") * draw(st.sampled_from((50, 500)))
    elif how == "crlf":
        value = text.replace("\n", "\r\n")
    elif how == "bom":
        value = "\ufeff" + text
    else:
        value = draw(st.text(max_size=40))
    cells[i]["source"] = value
    return doc, f"cell {i} source: {how}"


ODD_OUTPUTS = (None, "x", 5, {}, [None], [5], [{}], [{"output_type": "bogus"}], [{"output_type": "stream"}],
               [{"output_type": "stream", "name": "stdout", "text": 5}],
               [{"output_type": "stream", "name": "nowhere", "text": ["a", 1]}],
               [{"output_type": "display_data", "data": "x", "metadata": {}}],
               [{"output_type": "execute_result", "data": {"text/plain": "1"}}],
               [{"output_type": "error", "ename": 1, "evalue": None, "traceback": "x"}],
               [{"output_type": "stream", "name": "stdout", "text": "y" * 1_000_000}])


def cell_outputs(draw, doc):
    cells = _cells(doc)
    i = _pick(draw, doc)
    if i is None or not isinstance(cells[i], dict):
        return doc, "no cell for outputs"
    key, value = draw(st.sampled_from([("outputs", o) for o in ODD_OUTPUTS]
                                      + [("execution_count", v) for v in ("1", -5, 1.5, [])]
                                      + [("attachments", v) for v in ("x", {"a.png": 5}, [])]))
    cells[i][key] = copy.deepcopy(value)
    return doc, f"cell {i} {key}={_short(value)}"


CELL_MUTATIONS = (set_cell_type, delete_cells, duplicate_cell, move_cell, insert_junk_cell, cell_metadata,
                  nbgrader_field, cell_id, cell_source, cell_outputs)


def top_level_type(draw, doc):
    value = draw(st.sampled_from(("cells list", "string", 42, None, True, {})))
    return (_cells(doc) or [] if value == "cells list" else value), f"top level replaced by {value!r}"


VERSIONS = ((3, 0), (4, 0), (4, 1), (4, 4), (4, 5), (4, 99), (5, 0), (99, 0), (2, 0), ("4", 5), (4, "5"),
            (None, None), (-1, 0), (4.5, 0), (True, 0), ("missing", "missing"), (4, "missing"))


def nbformat_version(draw, doc):
    if not isinstance(doc, dict):
        return doc, "no version to change"
    major, minor = draw(st.sampled_from(VERSIONS))
    for key, value in (("nbformat", major), ("nbformat_minor", minor)):
        if value == "missing":
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc, f"nbformat {major!r}.{minor!r}"


def as_nbformat_3(draw, doc):
    """The notebook saved as nbformat 3 (worksheets), by nbformat's own downgrade."""
    try:
        with warnings.catch_warnings():   # nbformat's notes on ids an earlier step broke
            warnings.simplefilter("ignore")
            old = nbformat.convert(nbformat.from_dict(copy.deepcopy(doc)), 3)
        return json.loads(json.dumps(old)), "converted to nbformat 3"
    except Exception:   # a notebook already broken by an earlier step: wrap its cells by hand
        cells = _cells(doc) or []
        return {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": cells}]}, \
            "cells wrapped in an nbformat 3 worksheet"


def cells_key(draw, doc):
    if not isinstance(doc, dict):
        return doc, "no cells key"
    value = draw(st.sampled_from(("missing", None, {}, "x", 5, "worksheets", "worksheets not a list")))
    cells = doc.pop("cells", None)
    if value == "worksheets":
        doc["worksheets"] = [{"cells": cells}, 5, {"cells": None}]
    elif value == "worksheets not a list":
        doc["worksheets"] = {"cells": cells}
    elif value != "missing":
        doc["cells"] = value
    return doc, f"cells={value!r}"


def notebook_metadata(draw, doc):
    if not isinstance(doc, dict):
        return doc, "no notebook metadata"
    value = draw(st.sampled_from((None, [], "x", {}, {"kernelspec": "python3"}, {"kernelspec": {"name": 5}},
                                  {"language_info": []}, {"kernelspec": {"name": "julia-1.9", "language": "julia",
                                                                         "display_name": "Julia"}})))
    doc["metadata"] = copy.deepcopy(value)
    return doc, f"notebook metadata={_short(value)}"


def many_cells(draw, doc):
    """More cells, up to the grader's limit and just past it."""
    cells = _cells(doc)
    if cells is None:
        return doc, "no cells to multiply"
    total = draw(st.sampled_from((500, MAX_CELLS, MAX_CELLS + 1)))
    kind = draw(st.sampled_from(("markdown", "code")))
    filler = {"cell_type": kind, "metadata": {}, "source": "" if kind == "markdown" else "# a comment"}
    if kind == "code":
        filler.update(outputs=[], execution_count=None)
    cells.extend(dict(filler) for _ in range(max(0, total - len(cells))))
    return doc, f"{kind} cells added up to {len(cells)}"


def extra_keys(draw, doc):
    if not isinstance(doc, dict):
        return doc, "no keys to add"
    doc[draw(st.sampled_from(("junk", "", "cells ", "\ud800")))] = draw(st.sampled_from(ODD_VALUES))
    return doc, "extra top-level key"


NOTEBOOK_MUTATIONS = (top_level_type, nbformat_version, as_nbformat_3, cells_key, notebook_metadata, many_cells,
                      extra_keys)
#: notebook-level changes nbformat can still read (so nbgrader and otter see them)
READABLE_NOTEBOOK_MUTATIONS = (as_nbformat_3, notebook_metadata, extra_keys)


# Encodings and damage to the bytes: ``encode(doc) -> (bytes, step)``.

def _json(doc, **kw) -> str:
    return json.dumps(doc, **kw)


ENCODINGS = {
    # a lone surrogate (only ever inside a JSON string) as the escape \\udXXX, as json.dumps writes it
    "utf-8": lambda d: _json(d, ensure_ascii=False, indent=1).encode("utf-8", "backslashreplace"),
    "utf-8, surrogates as bytes": lambda d: _json(d, ensure_ascii=False).encode("utf-8", "surrogatepass"),
    "ascii escapes": lambda d: _json(d).encode("ascii"),
    "utf-8 with BOM": lambda d: b"\xef\xbb\xbf" + _json(d, ensure_ascii=False).encode("utf-8", "backslashreplace"),
    "utf-16": lambda d: _json(d, ensure_ascii=False).encode("utf-16", "surrogatepass"),
    "utf-16-le": lambda d: _json(d, ensure_ascii=False).encode("utf-16-le", "surrogatepass"),
    "utf-32": lambda d: _json(d, ensure_ascii=False).encode("utf-32", "surrogatepass"),
    "latin-1": lambda d: _json(d, ensure_ascii=False).encode("latin-1", "replace"),
    "cp1252": lambda d: _json(d, ensure_ascii=False).encode("cp1252", "replace"),
}
#: encodings a notebook may be written in and still be read (JSON is UTF-8; a BOM is tolerated)
READABLE_ENCODINGS = ("utf-8", "ascii escapes", "utf-8 with BOM")


def _damage(draw, data: bytes):
    how = draw(st.sampled_from(("none", "none", "none", "truncate", "nul byte", "flip a byte", "prepend", "append",
                                "replace", "deep nesting")))
    at = draw(st.integers(0, max(0, len(data) - 1)))
    if how == "truncate":
        return data[:at], f"truncated at byte {at}"
    if how == "nul byte":
        return data[:at] + b"\x00" + data[at:], f"NUL byte at {at}"
    if how == "flip a byte" and data:
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:], f"byte {at} flipped"
    if how == "prepend":
        junk = draw(st.sampled_from((b"\xff\xfe", b"garbage", b"//comment\n", b"\x00\x00", b")]}'\n")))
        return junk + data, f"{junk!r} prepended"
    if how == "append":
        junk = draw(st.sampled_from((b"\n", b"}", b",", b"{}", b"\x00", b"garbage")))
        return data + junk, f"{junk!r} appended"
    if how == "replace":
        junk = draw(st.sampled_from((b"", b"   \n\t", b"\x00" * 64, b"null", b"[]", b"{}", b'"notebook"', b"NaN",
                                     b"\x89PNG\r\n\x1a\n", b"[" * 100_000 + b"]" * 100_000))
                    | st.binary(max_size=64))
        return junk, f"replaced by {_short(junk)}"
    if how == "deep nesting":
        depth = draw(st.sampled_from((100, 900, 5_000, 200_000)))
        marker = b'"metadata": {'   # found in the UTF-8 and ASCII encodings only
        if marker in data:
            deep = b'"metadata": {"deep": ' + b"[" * depth + b"]" * depth + b", "
            return data.replace(marker, deep, 1), f"nested {depth} deep"
        return data, "no place to nest"
    return data, ""


NAMES = ("submission.ipynb", "My Notebook (1).ipynb", "ünïcödé.ipynb", "no_suffix", "x.json", ".ipynb",
         "a" * 200 + ".ipynb")


#: what a case may change: its cells; also the notebook's structure; also its bytes.
#: "runnable" cases change cells of the perfect submission only (they reach a kernel),
#: "readable" ones are still read by nbformat (they reach nbgrader's and otter's own code)
LAYERS = {
    "runnable": (CELL_MUTATIONS, ("utf-8",), False),
    "readable": (CELL_MUTATIONS + READABLE_NOTEBOOK_MUTATIONS, READABLE_ENCODINGS, False),
    "structure": (CELL_MUTATIONS + NOTEBOOK_MUTATIONS, READABLE_ENCODINGS, False),
    "bytes": (CELL_MUTATIONS + NOTEBOOK_MUTATIONS, tuple(ENCODINGS), True),
}


@st.composite
def cases(draw, layer: str | None = None, assignment: str | None = None):
    """A mutated real submission; ``layer`` (a key of LAYERS, default: drawn, half of
    them "readable") says how deep the damage may go."""
    layer = layer or draw(st.sampled_from(("readable", "readable", "structure", "bytes")))
    mutations, encodings, damage = LAYERS[layer]
    assignment = assignment or draw(st.sampled_from(ASSIGNMENTS))
    kind = "perfect" if layer == "runnable" else draw(st.sampled_from(("perfect", "blank")))
    doc = base(assignment, kind)
    steps = []
    for mutate in draw(st.lists(st.sampled_from(mutations), min_size=1, max_size=4)):
        doc, step = mutate(draw, doc)
        steps.append(step)
    encoding = draw(st.sampled_from(encodings))
    data = ENCODINGS[encoding](doc)
    if encoding != "utf-8":
        steps.append(f"written as {encoding}")
    if damage:
        data, step = _damage(draw, data)
        if step:
            steps.append(step)
    name = "submission.ipynb" if layer == "runnable" else draw(st.sampled_from(NAMES))
    return Case(assignment, kind, steps, data, name)


def batches(size: int, **kw):
    """``size`` cases of one assignment (one grade_notebooks call grades them)."""
    return st.sampled_from(ASSIGNMENTS).flatmap(
        lambda a: st.lists(cases(assignment=a, **kw), min_size=size, max_size=size))


# --------------------------------------------------------------------------- the property

TRACEBACK = re.compile(r"Traceback|File \"[^\"]*\", line \d+")


def unclear(text, limit: int = 300) -> list[str]:
    """What makes ``text`` not one clear line for a person (empty list: it is clear)."""
    if not isinstance(text, str) or not text.strip():
        return [f"not a sentence: {text!r}"]
    problems = []
    if "\n" in text or "\r" in text:
        problems.append("more than one line")
    if len(text) > limit:
        problems.append(f"{len(text)} characters")
    if TRACEBACK.search(text):
        problems.append("a Python traceback")
    if re.match(r"^[A-Za-z_.]*(Error|Exception)\b", text) or re.fullmatch(r"\W*'[^']*'\W*", text):
        problems.append("a bare exception")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        problems.append("control characters or lone surrogates")
    if "could not grade it" in text or "could not grade this notebook" in text:
        problems.append("the engine's catch-all for an unexpected exception (a crash)")
    return problems


def problems_of(result, path: Path, assignment: str, readable: bool | None = None) -> list[str]:
    """Why ``result`` is not a score or one clear error line for ``path`` (empty: it is)."""
    if not isinstance(result, NotebookResult):
        return [f"not a NotebookResult: {result!r}"]
    spec = load_spec(assignment)
    found = []
    if result.notebook != str(path):
        found.append(f"result for {result.notebook!r}, not {str(path)!r}")
    if len(result.tests) != len(spec.tests):
        found.append(f"{len(result.tests)} tests, the assignment has {len(spec.tests)}")
    for t in result.tests:
        if not (isinstance(t.points, float) and math.isfinite(t.points) and 0 <= t.points <= t.max_points):
            found.append(f"{t.id}: points {t.points!r} of {t.max_points!r}")
    if result.error is not None:
        found += [f"error {result.error[:120]!r}: {p}" for p in unclear(result.error)]
        if result.score != 0:
            found.append(f"an error and a score of {result.score}")
        if readable and "none of" not in result.error:   # the only expected error for a readable notebook
            found.append(f"a readable notebook was not graded: {result.error[:200]}")
    found += [f"an event without a kind: {e!r}" for e in result.events if not isinstance(e.kind, EventKind)]
    for line in [*(e.detail for e in result.events), *(f.detail for f in result.integrity)]:
        if not isinstance(line, str) or TRACEBACK.search(line) or len(line) > 600:
            found.append(f"unreadable event or flag: {_short(line, 200)}")
    return found


class ReachedKernel(Exception):
    """The notebook got as far as a kernel: everything before it was graded."""


def _no_kernel():
    raise ReachedKernel


@functools.lru_cache(maxsize=None)
def planning_grader(assignment: str) -> NotebookGrader:
    """A real NotebookGrader whose kernel factory stops grading where the kernel
    would start (a kernel per example would cost seconds; the kernel side is
    covered by the ``slow`` tests below)."""
    return NotebookGrader(assignment, FAST, kernel_factory=_no_kernel)


def grade_in_process(case: Case, folder: Path, index: int = 0) -> tuple:
    """The real grading path up to the kernel: (the result, or None for a notebook
    that would run, whose plan is then checked; the problems found)."""
    path = case.write(folder, index)
    grader = planning_grader(case.assignment)
    try:
        graded = grader.grade_path(path)
    except ReachedKernel:
        return None, plan_problems(grader, path)
    except Exception as exc:   # the property: nothing raises
        return None, [f"grade_path raised {exc.__class__.__name__}: {str(exc)[:300]}"]
    return graded.result, problems_of(graded.result, path, case.assignment)


def check_in_process(case: Case, folder: Path, index: int = 0) -> list[str]:
    """A score or one clear error line, up to the kernel: the problems found."""
    return grade_in_process(case, folder, index)[1]


def plan_problems(grader: NotebookGrader, path: Path) -> list[str]:
    """A notebook that reaches the kernel: its plan runs strings, one per student cell."""
    try:
        nb = read_notebook(path)
    except SubmissionError as exc:
        return [f"read the second time, it failed: {exc}"]
    plan = make_plan(grader.template, nb, grader.prepared.spec.functions)
    found = [f"{c.label}: source is {type(c.source).__name__}" for c in plan.student if not isinstance(c.source, str)]
    found += [f"{c.label}: source holds lone surrogates" for c in plan.student
              if any(unicodedata.category(ch) == "Cs" for ch in c.source)]
    found += [f"flag {f.kind}: {_short(f.detail, 200)}" for f in plan.flags if len(f.detail) > 600]
    return found


def grade_cases(cases_: list, folder: Path, engine: str) -> list[str]:
    """Grade the cases in one grade_notebooks call; the problems found."""
    found = []
    by_assignment: dict = {}
    for index, case in enumerate(cases_):
        by_assignment.setdefault(case.assignment, []).append((case, case.write(folder, index)))
    for assignment, items in by_assignment.items():
        paths = [p for _, p in items]
        try:
            results = grade_notebooks(assignment, paths, engine=engine, config=FAST)
        except Exception as exc:
            return [f"grade_notebooks({engine}) raised {exc.__class__.__name__}: {str(exc)[:300]}"]
        if len(results) != len(paths):
            found.append(f"{len(results)} results for {len(paths)} notebooks")
        for (case, path), result in zip(items, results):
            readable = _readable(path)
            found += [f"{case!r}: {p}" for p in problems_of(result, path, assignment, readable)]
    return found


def _readable(path: Path) -> bool:
    try:
        read_notebook(path)
        return True
    except SubmissionError:
        return False


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="depthlab-fuzz-") as tmp:
        yield Path(tmp)


# --------------------------------------------------------------------------- tests: in process

#: the in-process tests share their graders (each prepares its assignment's reference outcomes once)
IN_PROCESS = pytest.mark.xdist_group("fuzz_in_process")


@IN_PROCESS
@pytest.mark.parametrize("kind", ["perfect", "blank"])
def test_unchanged_submissions_plan_cleanly(kind, folder):
    """What the mutations start from is a real submission: it goes on to a kernel
    with every solution cell planned and nothing flagged."""
    for assignment in ASSIGNMENTS:
        case = Case(assignment, kind, [], ENCODINGS["utf-8"](base(assignment, kind)))
        result, problems = grade_in_process(case, folder)
        assert result is None and problems == [], (assignment, result, problems)
        grader = planning_grader(assignment)
        plan = make_plan(grader.template, read_notebook(case.write(folder)), grader.prepared.spec.functions)
        assert plan.flags == ()
        assert {f for c in plan.student for f in c.functions} == set(grader.prepared.spec.functions)


@IN_PROCESS
@fuzz_settings("in_process")
@given(case=cases())
def test_malformed_notebook_gets_a_score_or_one_clear_error(case, folder):
    assert check_in_process(case, folder) == []


# --------------------------------------------------------------------------- regressions and limits

def _first(doc, prefix: str, n: int = 0) -> int:
    """Index of the n-th cell whose grade_id starts with ``prefix``."""
    return [i for i, c in enumerate(doc["cells"]) if str(c["metadata"].get("nbgrader", {}).get("grade_id", ""))
            .startswith(prefix)][n]


def _edit_source(prefix: str, before: str):
    def edit(doc):
        cell = doc["cells"][_first(doc, prefix)]
        cell["source"] = before + "".join(cell["source"])
    return edit


def _set(path: tuple, value, prefix: str = "solution_"):
    def edit(doc):
        target = doc["cells"][_first(doc, prefix)]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return edit


def _markdown_to_code(doc):
    i = next(i for i, c in enumerate(doc["cells"]) if c["cell_type"] == "markdown")
    doc["cells"][i]["cell_type"] = "code"   # no outputs, no execution_count


def _metadata_list(doc):
    doc["metadata"] = []


def _worksheet_cells_a_number(doc):
    doc["worksheets"] = [{"cells": 5}, 5, {"cells": doc.pop("cells")}]


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


#: cases the fuzzing found, kept: name -> (the engines that grade it besides the in-process check,
#: edit of the perfect submission, encoding, file name, edit of the bytes)
REGRESSIONS = {
    # grade_path raised UnicodeEncodeError (ast.parse in make_plan); nbgrader's nbformat.write could not save it
    "lone surrogate in a solution cell": (("direct", "nbgrader"), _edit_source("solution_", "# \ud800\n"), "utf-8",
                                          None, None),
    # ast.parse raises ValueError, not SyntaxError, for a NUL byte on Python 3.11.0-3.11.3 (Debian's 3.11.2)
    "NUL byte in a solution cell": (("direct",), _edit_source("solution_", "x = 1 # \x00\n"), "utf-8", None, None),
    # an integrity flag quoted the whole grade_id
    "a grade_id of 100,000 characters": ((), _set(("metadata", "nbgrader", "grade_id"), HUGE), "utf-8", None, None),
    # grade_path raised TypeError: 'int' object is not iterable (found by a run of 3000)
    "a worksheet whose cells are a number": ((), _worksheet_cells_a_number, "utf-8", None, None),
    # the error line quoted the whole file name
    "a file name of 206 characters": ((), None, "utf-8", NAMES[-1], _truncate),
    # nbgrader engine: "nbgrader could not grade it: outputs" (a code cell without outputs)
    "markdown cell retyped as code": (("nbgrader",), _markdown_to_code, "utf-8", None, None),
    # otter engine: otter reads the file before any plugin: "Notebook does not appear to be JSON"
    "UTF-8 with a BOM": (("otter",), None, "utf-8 with BOM", None, None),
    # otter engine: otter reads the notebook's metadata as a dict before any plugin runs
    "notebook metadata a list": (("otter",), _metadata_list, "utf-8", None, None),
}


def regression(name: str, assignment: str) -> Case:
    _engines, edit, encoding, file_name, damage = REGRESSIONS[name]
    doc = base(assignment, "perfect")
    if edit:
        edit(doc)
    data = ENCODINGS[encoding](doc)
    return Case(assignment, "perfect", [name], damage(data) if damage else data, file_name or "submission.ipynb")


def regressions(engine: str, assignment: str) -> list:
    return [regression(name, assignment) for name, spec in REGRESSIONS.items() if engine in spec[0]]


@IN_PROCESS
@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_regression_in_process(name, folder):
    assert check_in_process(regression(name, ASSIGNMENTS[0]), folder) == []


def _padded(size: int):
    return lambda data: data + b" " * (size - len(data))


def _cells_up_to(total: int):
    def edit(doc):
        doc["cells"] += [{"cell_type": "markdown", "metadata": {}, "source": ""}] * (total - len(doc["cells"]))
    return edit


#: the grader's documented limits (judge/notebook.py): at the limit graded, past it one clear line
LIMITS = {
    f"{MAX_BYTES} bytes": (None, _padded(MAX_BYTES), None),
    f"{MAX_BYTES + 1} bytes": (None, _padded(MAX_BYTES + 1), r"is 50 MB; notebooks over 50 MB are not graded"),
    f"{MAX_CELLS} cells": (_cells_up_to(MAX_CELLS), None, None),
    f"{MAX_CELLS + 1} cells": (_cells_up_to(MAX_CELLS + 1), None, rf"has {MAX_CELLS + 1} cells; notebooks with over "
                               rf"{MAX_CELLS} are not graded"),
}


@IN_PROCESS
@pytest.mark.parametrize("limit", list(LIMITS))
def test_size_limits(limit, folder):
    edit, damage, error = LIMITS[limit]
    assignment = ASSIGNMENTS[0]
    doc = base(assignment, "perfect")
    if edit:
        edit(doc)
    data = ENCODINGS["utf-8"](doc)
    case = Case(assignment, "perfect", [limit], damage(data) if damage else data)
    result, problems = grade_in_process(case, folder)
    assert problems == []
    if error:
        assert result is not None and re.search(error, result.error or ""), result
    else:
        assert result is None, f"not graded: {result.error}"   # it went on to the kernel


# --------------------------------------------------------------------------- tests: real kernels and engines

def drawn(strategy, kind: str) -> list:
    """The profile's number of ``kind`` examples of ``strategy``, drawn by hypothesis
    (the same ones every CI run), to be graded together: one grade_notebooks call
    grades many notebooks, and a kernel or an nbgrader course costs seconds to start.
    A failure names each failing case by its recipe (no shrinking here)."""
    found: dict = {}

    @fuzz_settings(kind)
    @given(strategy)
    def collect(value):
        found.setdefault(repr(value), value)

    collect()
    return list(found.values())


#: the assignment each engine's sample comes from (an nbgrader course or otter's zip per assignment costs seconds)
ENGINE_ASSIGNMENT = {"nbgrader": ASSIGNMENTS[0], "otter": ASSIGNMENTS[-1]}


@pytest.mark.slow
@pytest.mark.xdist_group("fuzz_direct")
def test_runnable_mutations_through_real_kernels(folder):
    """Mutations that leave code to run, graded in sandboxed kernels: every
    notebook gets its score (or the wrong-assignment line), none an error."""
    batch = drawn(cases(layer="runnable"), "kernel")
    assert len(batch) >= 2
    assert grade_cases(batch + regressions("direct", ASSIGNMENTS[-1]), folder, "direct") == []


@pytest.mark.slow
@pytest.mark.parametrize("engine", [pytest.param(e, marks=pytest.mark.xdist_group(f"fuzz_{e}")) for e in ENGINE_ASSIGNMENT])
def test_mutations_through_the_nbgrader_and_otter_engines(engine, folder):
    """Readable mutations (and the cases that once broke the engine) through each
    engine's adapter: nbgrader's autograde pipeline, otter's autograder run."""
    assignment = ENGINE_ASSIGNMENT[engine]
    batch = drawn(cases(layer="readable", assignment=assignment), "engines")
    assert grade_cases(batch + regressions(engine, assignment), folder, engine) == []

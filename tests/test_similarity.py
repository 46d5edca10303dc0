"""Similar submissions in the TA report: does the planted copy (renamed variables,
reformatted) of a generated class rank first, and do honest students who write
a one-line function the same way stay unlisted?

The classes are generated (classgen) in a scratch course holding the real source
notebook; nothing is graded, so no kernel starts.
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import numpy as np
import pytest

from depthlab import classgen
from depthlab.classcopy import PLANTED, disguise, local_names
from depthlab.report import render_html, summarize
from depthlab.similarity import MIN_SHARED, find_similar, similar_lines, similar_pairs
from depthlab.studentcode import release_code, solution_code, submitted_notebook

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ("ps1_gradient_ratios", "ps2_vanishing_gradients", "ps3_cliffs_valleys", "ps4_convexity")


def _course(tmp_path: Path, a: str) -> Path:
    root = tmp_path / "course"
    shutil.copytree(REPO / "source" / a, root / "source" / a)
    shutil.copyfile(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    return root


def _codes(a: str, roster, root: Path) -> dict:
    return {s.id: solution_code(submitted_notebook(a, s.id, root)) for s in roster.students}


def test_disguise_renames_locals_and_reformats_but_keeps_parameters_and_behaviour():
    code = ("import numpy as np\n\n\ndef f(w, x):\n    # a comment\n    total = np.zeros(2)   # here\n"
            "    for k in range(len(w)):\n        total = total + w[k] * x\n    return total\n")
    out = disguise(code)
    assert local_names(ast.parse(code)) == {"total", "k"}
    assert "my_total" in out and "my_k" in out and "# a comment" not in out
    assert "def f(w, x):" in out                       # the signature a judge calls is untouched
    run = {}
    for name, text in (("a", code), ("b", out)):
        ns: dict = {}
        exec(compile(text, name, "exec"), ns)
        run[name] = ns["f"](np.array([1.0, 2.0]), 3.0)
    assert np.array_equal(run["a"], run["b"])
    assert disguise("def broken(:\n") == "def broken(:\n"


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_the_planted_copy_ranks_first(tmp_path, a):
    """A class of 30 with the planted pair: the copier's notebook is not the
    original's text (variables renamed, layout redone), yet the pair is listed
    first, its own-style function shown side by side with the shared code marked."""
    root = _course(tmp_path, a)
    roster = classgen.generate_class(a, 30, root, seed=7, planted=True, root=root)
    original, copier = roster.students[-2], roster.students[-1]
    assert copier.copies == original.id
    planted = [x.function for x in original.answers if x.variant == PLANTED]
    assert planted, f"{a} has no tests/alternatives/{a}/<fn>__{PLANTED}.py"
    codes = _codes(a, roster, root)
    for f in planted:
        assert codes[copier.id][f] != codes[original.id][f]
        assert "my_" in codes[copier.id][f] and "my_" not in codes[original.id][f]
    pairs = similar_pairs(a, [s.id for s in roster.students], root)
    assert pairs, "nothing listed"
    top = pairs[0]
    assert (top.first, top.second) == (original.id, copier.id), [p.label for p in pairs[:3]]
    assert top.similarity > 0.9 and top.score > max((p.score for p in pairs[1:]), default=0)
    shown = {m.function: m for m in top.functions}
    for f in planted:
        assert f in shown
        assert any(s.shared for s in shown[f].left) and any(s.shared for s in shown[f].right)
        assert "".join(s.text for s in shown[f].right) == codes[copier.id][f]
    assert similar_lines(pairs)[1].startswith(f"    {original.id} & {copier.id}: ")


def _one_liner(given: str, body: str) -> str:
    """The release cell with its stub replaced by ``body``: what a student hands in."""
    lines = given.splitlines()
    keep = [l for l in lines if "YOUR CODE HERE" not in l and "raise NotImplementedError" not in l]
    return "\n".join(keep + [f"    {body}"]) + "\n"


def test_honest_students_writing_a_one_line_function_alike_are_not_listed(tmp_path):
    """Two students who otherwise wrote their own code both write sigmoid_prime as
    the same unusual one-liner (nobody else does), and the whole class writes
    weight_grads_chain's one-line body alike: neither is listed, while the
    planted copy in the same class still is."""
    a = "ps2_vanishing_gradients"
    root = _course(tmp_path, a)
    roster = classgen.generate_class(a, 30, root, seed=7, planted=True, root=root)
    given = release_code(a, root)
    codes = _codes(a, roster, root)
    listed = {(p.first, p.second) for p in find_similar(codes, given)}
    planted = (roster.students[-2].id, roster.students[-1].id)
    assert planted in listed
    honest = [s.id for s in roster.students[2:-2]]
    first, second = next((x, y) for i, x in enumerate(honest) for y in honest[i + 1:] if (x, y) not in listed)
    odd = _one_liner(given["sigmoid_prime"], "return np.exp(-z) / (1.0 + np.exp(-z)) ** 2")
    for s in (first, second):
        codes[s]["sigmoid_prime"] = odd
    everyone = _one_liner(given["weight_grads_chain"], "return sigmoid_prime(np.asarray(w) * forward_chain(w, x)[:-1])"
                          " * forward_chain(w, x)[:-1] * backprop_chain(w, x, dL_do)[1:]")
    for c in codes.values():
        c["weight_grads_chain"] = everyone
    pairs = find_similar(codes, given)
    assert (first, second) not in {(p.first, p.second) for p in pairs}
    assert (pairs[0].first, pairs[0].second) == planted
    # the one line alone is too little shared code to list a pair, whatever else they share
    loose = find_similar({first: codes[first], second: codes[second]}, given, max_share=2, min_shared=1,
                         min_similarity=0)
    one_line = [m for p in loose for m in p.functions if m.function == "sigmoid_prime"]
    assert one_line and one_line[0].rare < MIN_SHARED


def test_the_report_shows_each_pair_side_by_side_escaped():
    from depthlab.judge import results as R
    codes = {"ann": {"f": "def f(x):\n    total = 0\n    for item in x:\n        total += item * item - 1 / 3\n"
                          "    return '<b>' + str(total)\n"},
             "bob": {"f": "def f(x):\n    acc = 0\n    for v in x:\n        acc += v * v - 1 / 3\n    return '<b>' + str(acc)\n"},
             "cy": {"f": "def f(x):\n    return sum(x)\n"}}
    pairs = find_similar(codes, {"f": "def f(x):\n    raise NotImplementedError()\n"}, min_shared=20)
    assert [p.label for p in pairs] == ["ann & bob"]
    results = [R.NotebookResult("ps2_vanishing_gradients", f"{s}.ipynb", "direct", student=s) for s in codes]
    page = render_html(summarize("ps2_vanishing_gradients", results), similar=pairs)
    assert "Similar submissions" in page and "ann &amp; bob" in page
    assert page.count("<mark>") >= 2 and "&#39;&lt;b&gt;&#39;" in page and "'<b>'" not in page
    assert "No pair shares enough code" in render_html(summarize("ps2_vanishing_gradients", results), similar=[])

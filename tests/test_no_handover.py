"""No student material hands over a result the student is meant to derive (issue 14, part 1).

For each assignment, :data:`HANDOVER` lists per graded function the forms its
result takes when written out (in LaTeX, in prose or in code).  Every cell of
the release notebook and of the otter student material (its notebook and its
public tests) is scanned for them; so are the hints the hidden tests give on a
wrong answer, since Gradescope shows those right after a submission.

Text is compared after :func:`normalise` (lower case, no spaces, no ``*``,
LaTeX spacing and bars folded, ``\\eta`` read as ``lr``), so ``1 / (a + b)``,
``1/(a+b)`` and ``\\frac{1}{a + b}`` are caught by two patterns, not twenty.

The lists are not allowed to pass vacuously: every listed function's patterns
must find its formula in the instructor's source notebook (its solution cell),
the scanner must flag the phrasings of the first edition, and an assignment may
have an empty list only while it is named in :data:`AWAITING_EDITION`.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from depthlab.judge.prepare import known_assignments, load_spec
from depthlab.paths import course_root, source_notebook

ROOT = course_root()

#: assignment -> graded function -> regexes over normalised text that spell out its result
HANDOVER: dict[str, dict[str, list[str]]] = {
    "ps1_gradient_ratios": {
        "bowl_grad": [
            r"\(2ax,2by\)", r"2ax(?![a-z])", r"\(2x,8y\)", r"-2a\(x,y\)",
            r"2(\.0)?wnp\.array\(\[a,b\]",                 # the reference's own code
        ],
        "contraction_factor": [
            r"1-2alr", r"1-2blr", r"1-8lr", r"1-2lr(?![a-z])",   # the factor of one step, any bowl
            r"max\(\|1-2", r"max\(abs\(1-2", r"maximum\(np\.abs\(1(\.0)?-2",
            r"\(\\?kappa-1\)/\(\\?kappa\+1\)", r"\\frac\{\\?kappa-1\}\{\\?kappa\+1\}",
        ],
        "optimal_learning_rate": [
            r"1(\.0)?/\(a\+b\)", r"\\frac\{1\}\{a\+b\}", r"1/\(1\+\\?kappa\)", r"\\frac\{1\}\{1\+\\?kappa\}",
            r"1/\(\d+(\.\d+)?\+\d+(\.\d+)?\)",           # worked with numbers: 1 / (1 + 4)
        ],
        "max_stable_learning_rate": [
            r"1(\.0)?/max\(a,b\)", r"\\frac\{1\}\{max\(a,b\)\}", r"1/\\?kappa(?![a-z])", r"\\frac\{1\}\{\\?kappa\}",
            r"1/max\(\d",                                  # worked with numbers: 1 / max(1, 4)
        ],
    },
    # ps2-ps4 from the second edition's own list (/work/helpers/notes/edition.md), rewritten over
    # normalised text and widened to the LaTeX, prose and code forms of each result.
    "ps2_vanishing_gradients": {
        "sigmoid_prime": [                             # Phi'(z) = Phi(z)(1 - Phi(z)) = e^-z / (1 + e^-z)^2
            r"(sigmoid|\\phi|\\sigma|\\varphi|s)(\([^()]*\))?\(1(\.0)?-(sigmoid|\\phi|\\sigma|\\varphi|s)(\([^()]*\))?\)",
            r"\(1(\.0)?-(sigmoid|\\phi|\\sigma|\\varphi|s)(\([^()]*\))?\)(sigmoid|\\phi|\\sigma|\\varphi|s)(?![a-z_])",
            r"([a-z]\w*)(\^)?\(1(\.0)?-\1(\^)?\)",                 # any x (1 - x): s2 (1 - s2), h^* (1 - h^*)
            r"([a-z]\w*)(\([^()]*\))?-\1(\([^()]*\))?\^2",           # s - s**2
            r"(sigmoid|\\phi|\\sigma)\(([^()]+)\)(sigmoid|\\phi|\\sigma)\(-\2\)",   # Phi(z) Phi(-z)
            r"(sigmoid|\\phi|\\sigma)\(-([^()]+)\)(sigmoid|\\phi|\\sigma)\(\2\)",
            r"e\^\{-z\}\}\{\(1\+e\^\{-z\}\)\^",                        # \frac{e^{-z}}{(1 + e^{-z})^2}
            r"exp\(-z\)/\(1(\.0)?\+(np\.)?exp\(-z\)\)\^",               # exp(-z) / (1 + exp(-z))**2
        ],
        "weight_grads_chain": [                        # dL/dw_{t+1} = g_{t+1} Phi'(w_{t+1} h_t) h_t
            r"sigmoid_prime\([^()]*\)h\[(t|:-1)\]", r"h\[(t|:-1)\]sigmoid_prime\(",
            r"sigmoid_prime\([^()]*\)g\[(t\+1|1:)\]h\[(t|:-1)\]",
            r"\\(phi|sigma|varphi)'\(w_\{?t\+1\}?h_\{?t\}?\)h_\{?t\}?(?![a-z])",
            r"h_\{?t\}?\\(phi|sigma|varphi)'\(w_\{?t\+1\}?h_\{?t\}?\)",
        ],
        "layer_jacobian": [                            # diag(Phi'(W h)) W
            r"diag\(\\?(sigmoid_prime|phi'|sigma'|varphi')", r"\\operatorname\{diag\}\(", r"\\mathrm\{diag\}\(\\",
            r"(sigmoid_prime|\\phi'|\\sigma')\(w(_t|_\{t\})?@?h(_\{?t-1\}?)?\)"
            r"(\[:,none\]|\[:,np\.newaxis\]|\.reshape\(-1,1\))?@?w(?![a-z_])",
            r"\\(phi|sigma|varphi)'\(z_\{?i\}?\)\(?w(_t|_\{t\})?\)?_\{?ij\}?",   # entry by entry
        ],
        "chain_jacobian": [                            # the order: J_m ... J_1
            r"(\w+)=layer_jacobian\([^()]*\)@\1(?![\w\[])",
            r"j_\{?m\}?@?(j_\{?m-1\}?|\\c?dots|\.\.\.)", r"j_\{?(m|t)\}?(\\c?dots|\.\.\.)j_\{?1\}?",
            r"multi_dot\([^)]*\[::-1\]", r"multipl(y|ies)fromtheleft",
        ],
    },
    "ps3_cliffs_valleys": {
        "numerical_hessian": [
            r"-2(\.0)?(float\()?f(0|_0|\(w\))\)?\+(float\()?f\(w-",     # diagonal: f(w+e) - 2 f(w) + f(w-e)
            r"f\(w[+-][^()]*e_?\{?i\}?-[^()]*e_?\{?j\}?\)",            # off-diagonal: f(w + e_i - e_j), ...
            r"(/|divide[ds]?by)\(?4(\.0)?(eps|\\epsilon|\\varepsilon|h)\^\{?2", r"\{4(eps|\\epsilon|\\varepsilon|h)\^\{?2\}?\}",
        ],
        "directional_curvature": [                     # d^T H d / d^T d
            r"d@h@d/", r"d\.t@h@d", r"d\.dot\(h@d\)", r"([dvu])\^\{?(\\top|t|\\intercal)\}?h\1(?![a-z])",
            r"/\(?d@d\)?", r"/\(?d\^\{?(\\top|t)\}?d", r"/(\|d\||\\\|d\\\|)\^\{?2",
        ],
        "clip_by_norm": [                              # the factor min(1, max_norm / |g|)
            r"(max_norm|max\\_norm|\\tau|threshold)\}?/(\||\\\||(np\.linalg\.)?norm)",
            r"min\(1(\.0)?,", r"\\frac\{(max\\_norm|\\tau|\\(text|mathtt)\{max\\_norm\}|c)\}\{\|g\|",
        ],
        "newton_step": [                               # w - H^{-1} g, solve(H, g)
            r"solve\(h[^,()]*(\([^()]*\))?,g", r"w-(np\.linalg\.)?solve\(", r"solve\([^()]*(\([^()]*\))?,-g",
            r"inv\(h[^)]*\)?\)@?g", r"h(\(w\))?\^\{?-1\}?(g|\\nabla)", r"-h(\(w\))?\^\{?-1\}?", r"hs=-g", r"s=-h\^",
        ],
    },
    "ps4_convexity": {
        "quadratic_minimizer": [                       # w* = -(2A)^{-1} b = solve(2A, -b), its gradient 2Aw + b
            r"solve\(2(\.0)?a,-?b\)", r"solve\(a,-?b\)/2", r"-?0?\.5(np\.linalg\.)?solve\(a,",
            r"-\(2a\)\^\{?-1\}?", r"-\\frac\{1\}\{2\}a\^\{?-1\}?b", r"a\^\{?-1\}?b/2", r"inv\(2(\.0)?a\)",
            r"2aw(\^|\^\\ast|_\\star|\^\\star|\^\{\})?=-b", r"2a@w\+b",
            # the gradient as a named vector; the 1-D slope q'(w) = 2aw + b is a hint, not listed
            r"\\nabla[a-z]*(\([a-z]\))?=2aw\+b",
            # the quadratic's Hessian named (section 3, before task 4): its gradient follows at once
            r"hessian(is)?\$?(a\+a\^\{?(\\top|t)\}?|2a)(?![a-z_])",
        ],
    },
}

#: assignments whose list is still to be written; nothing else may have an empty list
AWAITING_EDITION: set[str] = set()

#: phrasings of ps1's first edition that handed results over; the scan must flag each
FIRST_EDITION_PS1 = [
    r"$$\eta^* = \frac{1}{a + b}, \qquad",
    r"when $0 < \eta < 1/\max(a, b)$. The steep direction sets the limit",
    r"\rho(\eta) = \max\bigl(\,\lvert 1 - 2a\eta\rvert,\; \lvert 1 - 2b\eta\rvert\,\bigr)",
    '"""The fixed learning rate that minimizes contraction_factor(a, b, lr): 1 / (a + b).',
    "every start: 1 / max(a, b).  Raises ValueError unless a > 0 and b > 0.",
    r"L(x, y) = a\,x^2 + b\,y^2, \qquad \nabla L(x, y) = \begin{pmatrix} 2a\,x \\ 2b\,y \end{pmatrix}",
    "x_{k+1} = (1 - 2a\\eta)\\, x_k",
    'f"a=1, b=4: the best fixed rate is 1 / (1 + 4) = 0.2; got {eta}"',
    "a dashed line marks the optimal rate $1/(1+\\kappa)$ and a dotted line the stability limit $1/\\kappa$",
    "which is $(\\kappa-1)/(\\kappa+1)$",
]

#: phrasings of the first edition of ps2-ps4 (release at d534c9c); the scan must flag each, and
#: each listed function must be flagged by one of them
FIRST_EDITION = {
    "ps1_gradient_ratios": FIRST_EDITION_PS1,
    "ps2_vanishing_gradients": [
        r"Differentiating, $\Phi'(z) = \dfrac{e^{-z}}{(1 + e^{-z})^2} = \Phi(z)\,\bigl(1 - \Phi(z)\bigr)$.",
        r"**Task.** `sigmoid_prime(z)` returns $\Phi(z)(1 - \Phi(z))$ elementwise (use",
        '"""Derivative of the sigmoid, sigmoid(z) * (1 - sigmoid(z)), elementwise; at most 0.25.',
        "# Symmetric: sigmoid'(-2) = sigmoid'(2) = sigmoid(2) * sigmoid(-2) = 0.104994.",
        'assert_close(sigmoid_prime(np.array([-2.0, 0.0, 2.0])), [s2 * (1 - s2), 0.25, s2 * (1 - s2)], ',
        r"""ax.plot(z, sigmoid_prime(z), label=r"$\Phi'(z) = \Phi(z)\,(1 - \Phi(z))$")""",
        r"$12\,\Phi'(-1.76) = 12\,h^*(1 - h^*) \approx 1.50$: the gradient grows like",
        "factor = 12 * h_star * (1 - h_star)",
        r"\frac{\partial L}{\partial w_{t+1}} = \Phi'(w_{t+1} h_t)\; h_t\; \frac{\partial L}{\partial h_{t+1}} ,",
        '"""dL/dw[t] = sigmoid_prime(w[t] * h[t]) * h[t] * g[t+1] for t = 0..m-1; shape (m,).',
        r"\qquad J_t = \operatorname{diag}\bigl(\Phi'(W_t h_{t-1})\bigr)\, W_t :",
        "`diag(sigmoid_prime(W @ h)) @ W`, shape `(n_out, n_in)`.",
        r"\frac{\partial h_m}{\partial h_0} = J_m J_{m-1} \cdots J_1 ,",
        '"""dh_m/dh_0 = J_m @ ... @ J_1 for h_0 = x, h_t = sigmoid(W_t @ h_{t-1}).',
    ],
    "ps3_cliffs_valleys": [
        r"\kappa(d) = \frac{d^\top H d}{d^\top d},",
        '"""Curvature d @ H @ d / (d @ d) of the quadratic form H along the direction d (a float)."""',
        r"H_{ii} \approx \frac{f(w + \epsilon e_i) - 2 f(w) + f(w - \epsilon e_i)}{\epsilon^2},",
        r"H_{ij} \approx \frac{f(w + \epsilon e_i + \epsilon e_j) - f(w + \epsilon e_i - \epsilon e_j)",
        r" - f(w - \epsilon e_i + \epsilon e_j) + f(w - \epsilon e_i - \epsilon e_j)}{4 \epsilon^2}.",
        r"\operatorname{clip}(g) = g \cdot \min\!\Bigl(1, \frac{\mathtt{max\_norm}}{\lVert g\rVert}\Bigr).",
        '"""g * min(1, max_norm / norm(g)) as a new float array; the zero vector is returned unchanged.',
        r"w_{\text{new}} = w - H(w)^{-1}\, \nabla L(w).",
        "(`np.linalg.solve(H, g)`), which is cheaper and more accurate than forming the",
        '"""One Newton step w - solve(H(w), grad(w)); returns the new point, shape (d,)."""',
    ],
    "ps4_convexity": [
        "$$w^* = -(2A)^{-1} b ,$$",
        "where the gradient 2*A @ w + b vanishes. Returns an array of shape (d,).",
        r"A quadratic $q(w) = w^\top A w + b^\top w + c$ has the same Hessian $A + A^\top$ everywhere,",
    ],
}

_FOLD = ((r"\lvert", "|"), (r"\rvert", "|"), (r"\vert", "|"), (r"\left", ""), (r"\right", ""),
         (r"\bigl", ""), (r"\bigr", ""), (r"\big", ""), (r"\,", ""), (r"\;", ""), (r"\!", ""),
         (r"\eta", "lr"), (r"\max", "max"), ("**", "^"), ("*", ""))


def normalise(text: str) -> str:
    text = text.lower()
    for old, new in _FOLD:
        text = text.replace(old, new)
    return re.sub(r"\s+", "", text)


def handed_over(assignment: str, text: str) -> list[str]:
    """``function: pattern`` for every listed formula ``text`` spells out."""
    flat = normalise(text)
    return [f"{fn}: {p}" for fn, patterns in HANDOVER[assignment].items() for p in patterns
            if re.search(p, flat)]


def student_texts(assignment: str) -> dict[str, str]:
    """Every text a student receives: release cells, otter student cells and public tests."""
    texts = {}
    for name, path in (("release", ROOT / "release" / assignment / f"{assignment}.ipynb"),
                       ("otter student", ROOT / "assignments" / assignment / "student" / f"{assignment}.ipynb")):
        assert path.exists(), f"{path} is missing: run `depthlab release {assignment}`"
        for i, cell in enumerate(nbformat.read(path, 4).cells):
            texts[f"{name} cell {i} ({cell.get('id')})"] = cell.source
    for test in sorted((ROOT / "assignments" / assignment / "student" / "tests").glob("*.py")):
        texts[f"otter public test {test.name}"] = test.read_text(encoding="utf-8")
    return texts


LISTED = [a for a in HANDOVER if HANDOVER[a]]


def test_every_assignment_has_a_list_or_is_awaiting_one():
    assert set(HANDOVER) == set(known_assignments())
    assert HANDOVER["ps1_gradient_ratios"], "ps1's list must not be empty"
    empty = {a for a, listed in HANDOVER.items() if not listed}
    assert empty <= AWAITING_EDITION, f"empty lists not declared as awaiting their edition: {empty - AWAITING_EDITION}"
    filled = AWAITING_EDITION - empty
    assert not filled, f"{filled} now have lists: remove them from AWAITING_EDITION"
    for a in LISTED:
        functions = set(load_spec(a).functions)
        assert set(HANDOVER[a]) <= functions, f"{a}: not graded functions {set(HANDOVER[a]) - functions}"
        assert all(HANDOVER[a].values()), f"{a}: a function listed with no pattern"


@pytest.mark.parametrize("assignment", LISTED)
def test_each_listed_formula_is_found_where_it_is_written(assignment):
    """The patterns see the formula as the instructor wrote it (in the source's solution cell),
    so a list of patterns that can never match would fail here, not pass silently."""
    cells = {(c.metadata.get("nbgrader") or {}).get("grade_id"): c.source
             for c in nbformat.read(source_notebook(assignment, ROOT), 4).cells}
    for function in HANDOVER[assignment]:
        found = [h for h in handed_over(assignment, cells[f"solution_{function}"]) if h.startswith(function + ":")]
        assert found, f"no pattern of {function} finds its formula in its solution cell"


@pytest.mark.parametrize("assignment", sorted(FIRST_EDITION))
def test_the_scan_flags_the_first_edition(assignment):
    missed = [text for text in FIRST_EDITION[assignment] if not handed_over(assignment, text)]
    assert not missed, f"phrasings the scan lets through: {missed}"
    flagged = {hit.split(":")[0] for text in FIRST_EDITION[assignment] for hit in handed_over(assignment, text)}
    assert flagged == set(HANDOVER[assignment]), f"listed functions no first-edition phrasing shows: " \
        f"{set(HANDOVER[assignment]) - flagged}"


@pytest.mark.parametrize("assignment", LISTED)
def test_student_material_hands_over_no_formula(assignment):
    found = {where: hits for where, text in student_texts(assignment).items()
             if (hits := handed_over(assignment, text))}
    assert not found, "student material states a result the student is to derive:\n" + "\n".join(
        f"  {where}: {hits}" for where, hits in found.items())


@pytest.mark.parametrize("assignment", LISTED)
def test_hints_on_wrong_answers_hand_over_no_formula(assignment):
    """A mistake's hint may not spell out the result of its own function; a question's
    hints and lesson may spell out none."""
    found = []
    for test in load_spec(assignment).tests:
        own = {test.function: HANDOVER[assignment].get(test.function, [])} if test.question is None \
            else HANDOVER[assignment]
        texts = [test.hint] + ([test.question.teach] if test.question else [])
        texts += [m.hint for m in test.mistakes if isinstance(m.hint, str)]
        for text in texts:
            flat = normalise(text)
            found += [f"{test.function}: {text!r} ({p})" for ps in own.values() for p in ps
                      if re.search(p, flat)]
    assert not found, "hints that hand over a formula:\n  " + "\n  ".join(found)


def test_scan_reads_a_real_release():
    """The scanned texts are the notebook's cells, not an empty list."""
    texts = student_texts("ps1_gradient_ratios")
    assert sum(where.startswith("release cell") for where in texts) > 30
    assert any("direction_reversals" in text for text in texts.values())

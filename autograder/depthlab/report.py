"""The TA's view of a graded class: ``depthlab report ASSIGNMENT``.

:func:`summarize` turns the stored results into a :class:`ClassSummary` (data);
:func:`render_html` draws it as one self-contained page through the Jinja2
template ``templates/report.html`` (autoescaped; plots embedded as
base64 PNG, opens from disk) and :func:`render_text` as a terminal table.
Failing tests list their students grouped by the kind of mistake their first
failing case made (a name from the check's mistake catalogue, or what the call
did: "timeout", "wrong_shape", ...), so one typical mistake is one line:
"12 students: forgets_weight". Results are read as data: no sentence is parsed.
"""
from __future__ import annotations

import base64
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from . import templates
from .classgrade.store import load_results, write_atomic
from .judge.results import NotebookResult, TestResult
from .paths import course_root
from .text import clip

FORMGRADER_HINT = ("Grade the written answers in nbgrader's formgrader: run `jupyter lab` in {root}, "
                   "open Nbgrader > Formgrader > Manual Grading ({url}).")


def mistake_of(t: TestResult) -> str:
    """The kind of mistake a failed test is grouped under (records written
    before kinds existed are grouped under their hint, or "unclassified")."""
    return t.mistake or (f"hint: {t.hint}" if t.hint else "unclassified")


@dataclass(frozen=True)
class MessageGroup:
    """Students who failed one test with the same kind of mistake."""

    key: str          # the kind of mistake ("forgets_weight", "timeout", ...)
    example: str      # one student's message (problem and hint, for people)
    students: tuple
    hint: str = ""    # the hint they read


@dataclass(frozen=True)
class TestSummary:
    id: str
    function: Optional[str]
    max_points: float
    failed: int
    graded: int
    mean_points: float
    groups: tuple = ()

    @property
    def failure_rate(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class PendingWritten:
    """A written question and the students whose answers wait for a TA."""

    grade_id: str
    students: tuple


@dataclass
class ClassSummary:
    assignment: str
    results: list
    tests: list = field(default_factory=list)            # TestSummary, worst first
    integrity: list = field(default_factory=list)        # (student, kind, detail)
    ungraded: list = field(default_factory=list)         # (student, why)
    troubled: list = field(default_factory=list)         # (student, event) timeouts and deaths
    written: list = field(default_factory=list)          # PendingWritten
    root: Optional[Path] = None

    @property
    def graded(self) -> list:
        return [r for r in self.results if not r.error]

    @property
    def max_score(self) -> float:
        return max((r.max_score for r in self.results), default=0.0)

    def score_stats(self) -> dict:
        scores = [r.score for r in self.graded]
        if not scores:
            return {}
        return {"mean": statistics.fmean(scores), "median": statistics.median(scores),
                "min": min(scores), "max": max(scores)}


def _who(r: NotebookResult) -> str:
    return r.student or Path(r.notebook).stem


def summarize(assignment: str, results: Sequence[NotebookResult], *, root: Optional[Path] = None) -> ClassSummary:
    """Everything the report shows, as data."""
    results = sorted(results, key=_who)
    graded = [r for r in results if not r.error]
    order: dict = {}
    for r in results:
        for t in r.tests:
            order.setdefault(t.id, (t.function, t.max_points))
    tests = []
    for tid, (function, max_points) in order.items():
        rows = [(r, next((t for t in r.tests if t.id == tid), None)) for r in graded]
        rows = [(r, t) for r, t in rows if t is not None]
        failing = [(r, t) for r, t in rows if not t.passed]
        groups: dict = defaultdict(list)
        examples: dict = {}
        for r, t in failing:
            key = mistake_of(t)
            groups[key].append(_who(r))
            examples.setdefault(key, t)
        grouped = tuple(sorted((MessageGroup(k, examples[k].message, tuple(v), examples[k].hint)
                                for k, v in groups.items()), key=lambda g: (-len(g.students), g.key)))
        mean = statistics.fmean([t.points for _, t in rows]) if rows else 0.0
        tests.append(TestSummary(tid, function, max_points, len(failing), len(rows), mean, grouped))
    tests.sort(key=lambda t: (-t.failure_rate, t.id))
    summary = ClassSummary(assignment, list(results), tests, root=root)
    for r in results:
        for f in r.integrity:
            summary.integrity.append((_who(r), f.kind, f.detail))
        if r.error:
            summary.ungraded.append((_who(r), r.error))
        for e in r.events:
            if e.trouble:
                summary.troubled.append((_who(r), e.detail))
    if root is not None:
        summary.written = pending_written(assignment, results, Path(root))
    return summary


def pending_written(assignment: str, results: Sequence[NotebookResult], root: Path) -> list[PendingWritten]:
    """Written answers waiting for a TA: the gradebook's "needs manual grade"
    markdown cells, else every non-empty answer in ``submitted/``."""
    from .feedback import written_answers
    students = [r.student for r in results if r.student]
    by_cell: dict = defaultdict(list)
    gradebook = _gradebook_pending(assignment, root)
    for s in students:
        notebook = root / "submitted" / s / assignment / f"{assignment}.ipynb"
        for w in written_answers(notebook):
            if not w.answer:
                continue
            if gradebook is not None and (s, w.grade_id) not in gradebook:
                continue     # graded by a TA already
            by_cell[w.grade_id].append(s)
    return [PendingWritten(k, tuple(v)) for k, v in sorted(by_cell.items())]


def _gradebook_pending(assignment: str, root: Path) -> Optional[set]:
    """``{(student, grade_id)}`` still needing a manual grade, or None without a gradebook."""
    if not (root / "gradebook.db").exists():
        return None
    try:
        from nbgrader.api import MissingEntry
        from .classgrade.gradebook import open_gradebook
        out = set()
        with open_gradebook(root) as gb:
            try:
                subs = gb.find_assignment(assignment).submissions
            except MissingEntry:
                return None
            for sub in subs:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if g.manual_score is None and g.cell_type == "markdown":
                            out.add((sub.student.id, g.name))
        return out
    except Exception:
        return None


# --------------------------------------------------------------------------- plots

def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def score_histogram(summary: ClassSummary) -> Optional[str]:
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    scores = [r.score for r in summary.graded]
    if not scores:
        return None
    top = summary.max_score or max(scores) or 1.0
    fig, ax = plt.subplots(figsize=(7, 3.2))
    bins = min(20, max(5, int(top)))
    ax.hist(scores, bins=bins, range=(0, top), color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"auto-graded score (of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{summary.assignment}: scores of {len(scores)} graded notebooks")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return _png(fig)


def failure_chart(summary: ClassSummary) -> Optional[str]:
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    tests = summary.tests
    if not tests:
        return None
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(tests) + 1.2))
    names = [t.function or t.id for t in tests][::-1]
    rates = [100 * t.failure_rate for t in tests][::-1]
    bars = ax.barh(names, rates, color="#c44e52")
    for bar, t in zip(bars, tests[::-1]):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{t.failed}/{t.graded}",
                va="center", fontsize=8)
    ax.set_xlim(0, 110)
    ax.set_xlabel("students failing the test (%)")
    ax.set_title("failure rate per test, worst first")
    return _png(fig)


# --------------------------------------------------------------------------- rendering

def isolation_line(results) -> str:
    """Which sandbox level the class's student code ran under (judge/sandbox.py), e.g.
    "namespace (28), landlock (2)"; an unsafe or unrecorded level says so."""
    counts = Counter(r.isolation or "not recorded" for r in results)
    text = ", ".join(f"{level} ({n})" for level, n in sorted(counts.items()))
    if "none" in counts or "not recorded" in counts:
        text += ": WARNING, code run without isolation could have read the reference"
    return text


def render_html(summary: ClassSummary, **extra) -> str:
    """The report page (``templates/report.html``, autoescaped); ``extra``: the later
    sections' context (:func:`later_sections`), empty when not computed."""
    extra = {"links": {}, "changes": [], "changes_when": "", "similar": None, **extra}
    troubled = ([(s, "not graded", why) for s, why in summary.ungraded]
                + [(s, "time/kernel", ev) for s, ev in summary.troubled])
    written = [(w.grade_id, str(len(w.students)), ", ".join(w.students)) for w in summary.written]
    return templates.render("report.html", s=summary, stats=summary.score_stats(),
                            isolation=isolation_line(summary.results),
                            hist=score_histogram(summary), bars=failure_chart(summary),
                            troubled=troubled, written=written, hint=formgrader_hint(summary), **extra)


def formgrader_hint(summary: ClassSummary) -> str:
    url = f"http://localhost:8888/formgrader/gradebook/{summary.assignment}/{summary.assignment}"
    return FORMGRADER_HINT.format(root=summary.root or "the course directory", url=url)


def render_text(summary: ClassSummary, *, width: Optional[int] = None, groups: int = 3) -> str:
    """The same summary as a terminal table (``width``: the terminal's, else 120)."""
    import shutil
    width = width or max(80, shutil.get_terminal_size((120, 24)).columns)
    stats = summary.score_stats()
    n, g = len(summary.results), len(summary.graded)
    lines = [f"{summary.assignment}: {n} submissions, {g} graded, {n - g} not graded",
             f"  student code isolated by: {isolation_line(summary.results)}"]
    if stats:
        lines.append(f"  score (of {summary.max_score:g}): mean {stats['mean']:.1f}  median {stats['median']:g}  "
                     f"min {stats['min']:g}  max {stats['max']:g}")
    name_w = max([len(t.id) for t in summary.tests] + [4])
    lines.append(f"  {'test'.ljust(name_w)}  failed   rate")
    for t in summary.tests:
        bar = "#" * int(round(20 * t.failure_rate))
        lines.append(f"  {t.id.ljust(name_w)}  {f'{t.failed}/{t.graded}':>6}  {t.failure_rate:5.0%}  {bar}")
    failing = [t for t in summary.tests if t.failed]
    if failing:
        lines.append("  most common failures:")
    for t in failing:
        lines.append(f"    {t.id}:")
        for grp in t.groups[:groups]:
            lines.append(f"      {len(grp.students):3d} x [{grp.key}] {_squeeze(grp.example, width - 15 - len(grp.key))}")
        if len(t.groups) > groups:
            rest = sum(len(x.students) for x in t.groups[groups:])
            lines.append(f"      ... and {rest} more with {len(t.groups) - groups} other kinds of mistake")
    for s, kind, detail in summary.integrity:
        lines.append(f"  ! {s}: {kind}: {clip(detail, width - 20)}")
    for s, why in summary.ungraded:
        lines.append(f"  x {s}: not graded: {clip(why, width - 25)}")
    for s, ev in summary.troubled:
        lines.append(f"  ~ {s}: {clip(ev, width - 10)}")
    if summary.written:
        waiting = ", ".join(f"{w.grade_id} {len(w.students)}" for w in summary.written)
        lines.append(f"  written answers waiting for a TA: {waiting} (nbgrader formgrader)")
    return "\n".join(lines)


def _squeeze(message: str, width: int, label: int = 44) -> str:
    """A message cut to ``width``, shortening the case label first so that what
    went wrong and the hint stay readable."""
    text = " ".join(message.split())
    head, sep, rest = text.partition("): ")
    if sep and len(text) > width:
        head = clip(head, label - 1)
    return clip(head + ")" + sep[1:] + rest if sep else text, width)


def later_sections(summary: ClassSummary, root: Path, page: Path, feedback_dir: Path) -> tuple[dict, list]:
    """The context and the terminal lines of the sections after the class summary:
    links to each student's feedback page, the last regrade's score changes
    (:mod:`.classgrade.regrade`) and the similar submissions (:mod:`.similarity`)."""
    import os
    from .classgrade.regrade import change_lines, load_changes
    from .similarity import similar_lines, similar_pairs
    a = summary.assignment
    links = {}
    for r in summary.results:
        target = feedback_dir / str(r.student) / a / f"{a}.html"
        if r.student and target.exists():
            links[r.student] = Path(os.path.relpath(target, page.parent)).as_posix()
    when, changes = load_changes(a, root)
    students = [r.student for r in summary.graded if r.student]
    try:
        similar = similar_pairs(a, students, root)
    except FileNotFoundError:     # no source notebook to take the release's code from
        similar = None
    return ({"links": links, "changes": changes, "changes_when": when, "similar": similar},
            change_lines(changes) + similar_lines(similar or []))


def report(assignment: str, *, root: Optional[Path] = None, out: Optional[Path] = None,
           feedback_dir: Optional[Path] = None) -> tuple[Path, str]:
    """Write the HTML report (default ``reports/<a>/report.html``); return its path and the text table.

    feedback_dir: where the feedback pages the report links to are (default ``feedback/``)."""
    root = Path(root or course_root())
    summary = summarize(assignment, load_results(assignment, root), root=root)
    path = Path(out) if out else root / "reports" / assignment / "report.html"
    extra, lines = later_sections(summary, root, path, Path(feedback_dir or root / "feedback"))
    write_atomic(path, render_html(summary, **extra).encode("utf-8"))
    return path, "\n".join([render_text(summary), *lines])

"""Plain-text tables of results, for the terminal."""
from __future__ import annotations

from typing import Sequence

from .judge.results import NotebookResult
from .text import clip


def result_table(results: Sequence[NotebookResult], width: int = 100) -> str:
    """Score per notebook, then each failed test's message."""
    lines = []
    for r in results:
        head = f"{r.notebook}: {r.score:g}/{r.max_score:g}"
        if r.error:
            head += f"  NOT GRADED: {r.error}"
        lines.append(head)
        for t in r.tests:
            if not t.passed and not r.error:
                lines.append(f"  - {t.id} ({t.points:g}/{t.max_points:g}): {clip(t.message, width)}")
        for f in r.integrity:
            lines.append(f"  ! {f.kind}: {f.detail}")
        for e in r.events:
            lines.append(f"  ~ {e}")
    return "\n".join(lines)

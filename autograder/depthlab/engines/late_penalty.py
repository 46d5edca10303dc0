"""Late penalties as an nbgrader plugin, so ``nbgrader autograde`` (its
``AssignLatePenalties`` step) and ``depthlab autograde`` charge the same.

nbgrader's own :class:`~nbgrader.plugins.LateSubmissionPlugin` knows "none" and
"zero"; its documentation asks for a subclass for anything else
(https://nbgrader.readthedocs.io/en/stable/plugins/late-plugin.html), which is
this: a fraction of the notebook's score per started day late.  How late comes
from nbgrader itself (``timestamp.txt`` against the due date plus the
student's extension, ``SubmittedAssignment.total_seconds_late``).
"""
from __future__ import annotations

import math
from typing import Optional

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float
from traitlets.config import Config

DAY = 86400.0


class PerDayLatePenalty(LateSubmissionPlugin):
    """``per_day`` of the score per started day late (capped at the score), or
    nbgrader's own "none"/"zero" when ``penalty_method`` says so."""

    penalty_method = Enum(("none", "zero", "per_day"), default_value="none",
                          help="none, zero (nbgrader's) or per_day").tag(config=True)
    per_day = Float(0.0, help="Fraction of the notebook's score one started day late costs.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> Optional[float]:
        if self.penalty_method != "per_day":
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        return penalty(score, total_seconds_late, self.per_day)


def penalty(score: float, seconds_late: float, per_day: float) -> float:
    """What ``seconds_late`` costs a notebook scoring ``score``: per started day, ``per_day`` of it."""
    if seconds_late <= 0 or not score:
        return 0.0
    return min(score, score * per_day * math.ceil(seconds_late / DAY))


def late_penalty_config(method: str, per_day: float) -> Config:
    """The nbgrader settings that make ``AssignLatePenalties`` charge this way."""
    c = Config()
    c.AssignLatePenalties.plugin_class = PerDayLatePenalty
    c.PerDayLatePenalty.penalty_method = method
    c.PerDayLatePenalty.per_day = per_day
    return c

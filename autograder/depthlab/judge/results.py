"""Results are data: what steps, engines and reports exchange."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional


@dataclass(frozen=True)
class CaseResult:
    """One case of one test: its label, whether it passed, and the sentence if not."""

    label: str
    passed: bool
    message: str = ""
    public: bool = False


@dataclass(frozen=True)
class TestResult:
    """One graded test (one function), as ``depthlab grade --json`` reports it."""

    id: str
    function: Optional[str]
    points: float
    max_points: float
    passed: bool
    message: str
    cases: tuple = ()
    status: str = "graded"   # "graded", "timeout", "died", "missing", "integrity"

    def to_json(self) -> dict:
        return {"id": self.id, "function": self.function, "points": self.points,
                "max_points": self.max_points, "passed": self.passed, "message": self.message}


@dataclass(frozen=True)
class IntegrityFlag:
    """Something about a submission a TA should know (it is graded regardless)."""

    kind: str
    detail: str
    function: Optional[str] = None

    def to_json(self) -> dict:
        out = {"kind": self.kind, "detail": self.detail}
        if self.function:
            out["function"] = self.function
        return out


@dataclass(frozen=True)
class NotebookResult:
    """Everything about one graded notebook."""

    assignment: str
    notebook: str
    engine: str
    tests: tuple = ()
    integrity: tuple = ()
    error: Optional[str] = None
    seconds: float = 0.0
    student: Optional[str] = None
    events: tuple = ()   # lines such as "cell 7 timed out after 30 s; kernel restarted"
    isolation: Optional[str] = None   # the sandbox level the student's code ran under (sandbox.py)

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.tests), 4)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_points for t in self.tests), 4)

    def to_json(self) -> dict:
        out = {"assignment": self.assignment, "notebook": self.notebook, "engine": self.engine,
               "score": self.score, "max_score": self.max_score,
               "tests": [t.to_json() for t in self.tests],
               "integrity": [f.to_json() for f in self.integrity]}
        if self.error:
            out["error"] = self.error
        if self.events:
            out["events"] = list(self.events)
        if self.student:
            out["student"] = self.student
        if self.isolation:
            out["isolation"] = self.isolation
        return out

    def to_record(self) -> dict:
        """Everything, for storage and reports (cases included)."""
        return asdict(self)

    @classmethod
    def from_record(cls, data: dict) -> "NotebookResult":
        tests = tuple(TestResult(**{**t, "cases": tuple(CaseResult(**c) for c in t.get("cases", ()))})
                      for t in data.get("tests", ()))
        flags = tuple(IntegrityFlag(**f) for f in data.get("integrity", ()))
        return cls(**{**data, "tests": tests, "integrity": flags,
                      "events": tuple(data.get("events", ()))})

"""Results are data: what steps, engines and reports exchange."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Optional


class Status(str, Enum):
    """How a test's grading ended (a str, so it is its own JSON form)."""

    GRADED = "graded"        # every case ran; points are the passed share
    TIMEOUT = "timeout"      # a case hit the time limit
    DIED = "died"            # the kernel died during a case
    MISSING = "missing"      # the function was not defined
    INTEGRITY = "integrity"  # no credit: the code reached outside the sandbox or imported the grader
    UNGRADED = "ungraded"    # the notebook could not be graded at all (NotebookResult.error says why)

    def __str__(self) -> str:
        return self.value


class EventKind(str, Enum):
    """What happened to a notebook's run, beside the tests' own results."""

    TIMEOUT = "timeout"                  # a cell or probe call hit its time limit
    DIED = "died"                        # the kernel died and was restarted
    MEMORY = "memory"                    # MemoryError at the kernel's limit
    NOTEBOOK_TIMEOUT = "notebook_timeout"  # the whole notebook's time ran out
    CELL_ERROR = "cell_error"            # a student cell raised
    SETUP_ERROR = "setup_error"          # a setup cell raised
    UNREADABLE = "unreadable"            # the kernel's replies could not be read
    REPLAY = "replay"                    # after a restart, earlier cells could not be replayed
    PROBE_FAILED = "probe_failed"        # the hidden cases could not be called at all
    NOTE = "note"                        # anything else (records written before kinds existed)

    def __str__(self) -> str:
        return self.value


#: the event kinds a TA should look at (the run was cut short)
TROUBLE = frozenset({EventKind.TIMEOUT, EventKind.DIED, EventKind.MEMORY, EventKind.NOTEBOOK_TIMEOUT})


@dataclass(frozen=True)
class Event:
    """One thing that happened while a notebook ran: a kind, a sentence, where."""

    kind: EventKind
    detail: str
    where: Optional[str] = None   # the cell or function it concerns

    def __post_init__(self):
        object.__setattr__(self, "kind", EventKind(self.kind))

    def __str__(self) -> str:
        return self.detail

    @property
    def trouble(self) -> bool:
        return self.kind in TROUBLE

    def to_json(self) -> dict:
        out = {"kind": self.kind.value, "detail": self.detail}
        if self.where:
            out["where"] = self.where
        return out

    @classmethod
    def from_record(cls, data) -> "Event":
        if isinstance(data, str):     # stored before events had kinds
            return cls(EventKind.NOTE, data)
        return cls(**data)


@dataclass(frozen=True)
class CaseResult:
    """One case of one test: its label, whether it passed, and if not the
    problem, the hint and the kind of mistake, kept apart (``message`` joins
    them for people)."""

    label: str
    passed: bool
    message: str = ""
    public: bool = False
    problem: str = ""
    hint: str = ""
    mistake: str = ""   # a catalogue name ("forgets_weight") or a kind ("timeout", "wrong_value")


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
    status: Status = Status.GRADED
    problem: str = ""    # the first failing case's problem ("" when passed)
    hint: str = ""       # ... and its hint
    mistake: str = ""    # ... and the kind of mistake (see CaseResult.mistake)

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))

    def to_json(self) -> dict:
        out = {"id": self.id, "function": self.function, "points": self.points,
               "max_points": self.max_points, "passed": self.passed, "message": self.message,
               "status": self.status.value}
        if not self.passed:
            out.update(problem=self.problem, hint=self.hint, mistake=self.mistake)
        return out


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
    events: tuple = ()   # Event records (kind, sentence, where)
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
            out["events"] = [e.to_json() for e in self.events]
        if self.student:
            out["student"] = self.student
        if self.isolation:
            out["isolation"] = self.isolation
        return out

    def to_record(self) -> dict:
        """Everything, for storage and reports (cases included), as JSON-ready data."""
        return json.loads(json.dumps(asdict(self), allow_nan=True))

    @classmethod
    def from_record(cls, data: dict) -> "NotebookResult":
        tests = tuple(TestResult(**{**t, "cases": tuple(CaseResult(**c) for c in t.get("cases", ()))})
                      for t in data.get("tests", ()))
        flags = tuple(IntegrityFlag(**f) for f in data.get("integrity", ()))
        return cls(**{**data, "tests": tests, "integrity": flags,
                      "events": tuple(Event.from_record(e) for e in data.get("events", ()))})

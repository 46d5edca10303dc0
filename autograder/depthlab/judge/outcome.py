"""What one call of a graded function produced, as the grading process sees it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .probe import decode


@dataclass(frozen=True)
class Outcome:
    """The decoded result of one case.

    status: "ok" (returned), "error" (raised), "missing" (no such function),
        "timeout" (stopped after the time limit), "died" (the kernel died),
        "not_run" (an earlier case of the same function stopped the run).
    value: the decoded return value (status "ok").
    error_type / error_mro / error_message: the exception (status "error").
    mutated: names of arguments the call changed in place.
    then: outcomes of calling a returned callable, in order.
    axes: description of the Axes the function drew on (plotting functions).
    detail: free text from the runner (why it was missing, how it died).
    warnings: "Category: message" of warnings the call emitted (at most 5).
    """

    status: str
    value: Any = None
    error_type: str = ""
    error_mro: tuple = ()
    error_message: str = ""
    mutated: tuple = ()
    then: tuple = ()
    axes: Optional[dict] = None
    seconds: float = 0.0
    detail: str = ""
    warnings: tuple = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def raised(self, name: str) -> bool:
        return self.status == "error" and name in self.error_mro

    @classmethod
    def from_wire(cls, data: dict) -> "Outcome":
        """Strictly decode one line written by :func:`probe.kernel_entry`."""
        if not isinstance(data, dict):
            raise ValueError("outcome is not an object")
        status = data.get("status")
        if status not in ("ok", "error", "missing", "interrupted"):
            raise ValueError(f"unknown status {status!r}")
        err = data.get("error") or {}
        then = tuple(cls.from_wire(t) for t in data.get("then") or ())
        value = decode(data["value"]) if status == "ok" and "value" in data else None
        return cls(
            status=status,
            value=value,
            error_type=str(err.get("type", ""))[:200],
            error_mro=tuple(str(n)[:200] for n in (err.get("mro") or ())[:50]),
            error_message=str(err.get("message", ""))[:500],
            mutated=tuple(str(m)[:100] for m in (data.get("mutated") or ())[:20]),
            then=then,
            axes=data.get("axes") if isinstance(data.get("axes"), dict) else None,
            seconds=float(data.get("seconds") or 0.0),
            detail=str(data.get("detail", ""))[:300],
            warnings=tuple(str(w)[:300] for w in (data.get("warnings") or ())[:5]),
        )

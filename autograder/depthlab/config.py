"""The grading configuration: one typed object, read once."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class GradingConfig:
    """Limits and choices for one grading run.

    cell_timeout: seconds a student's cell (or a setup cell) may run.
    test_timeout: seconds one function's hidden cases may run together.
    notebook_timeout: seconds a whole notebook may take; what is left then is
        reported as timed out.
    memory_mb: address-space limit of the student's kernel (0: none).
    output_limit: characters of output kept per cell.
    jobs: notebooks graded at once (0: one per core).
    interrupt_grace: seconds a kernel gets to answer an interrupt before it is restarted.
    isolation: "auto" (the strongest level this machine gives; refuses when none is
        safe), "namespace", "landlock" or "none" (unsafe, only when asked): see judge/sandbox.py.
    scratch_mb: size of each notebook's private scratch folder, in MiB.
    """

    cell_timeout: float = 30.0
    test_timeout: float = 20.0
    notebook_timeout: float = 600.0
    memory_mb: int = 4096
    output_limit: int = 20_000
    jobs: int = 0
    interrupt_grace: float = 3.0
    isolation: str = "auto"
    scratch_mb: int = 512

    @classmethod
    def from_env(cls, **overrides) -> "GradingConfig":
        """Defaults, then ``DEPTHLAB_<FIELD>`` environment variables, then ``overrides``."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"DEPTHLAB_{f.name.upper()}")
            if raw:
                kind = type(getattr(cls, f.name))
                values[f.name] = raw if kind is str else kind(float(raw))
        cfg = cls(**values)
        return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def effective_jobs(self) -> int:
        return self.jobs or os.cpu_count() or 1

"""Who each graded student is in the LMS: ``.depthlab/identities/<assignment>.json``,
written when an LMS zip is collected (:mod:`.collect`), read by the export
(:mod:`depthlab.lms.export`).  One JSON object: student id -> identity."""
from __future__ import annotations

import json
from pathlib import Path

from ..lms.identity import Identity
from .store import write_atomic


def identities_path(root: Path, assignment: str) -> Path:
    return Path(root) / ".depthlab" / "identities" / f"{assignment}.json"


def save_identities(root: Path, assignment: str, found: dict) -> None:
    """Merge ``found`` (student -> Identity) into the stored identities: a later
    zip of the same assignment (late submissions) adds to the earlier ones."""
    if not found:
        return
    stored = load_identities(root, assignment)
    stored.update(found)
    data = {s: i.to_json() for s, i in sorted(stored.items())}
    write_atomic(identities_path(root, assignment), json.dumps(data, indent=1).encode("utf-8"))


def load_identities(root: Path, assignment: str) -> dict:
    """student -> :class:`Identity` ({} when no LMS zip was collected)."""
    path = identities_path(root, assignment)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is unreadable ({exc}); collect the LMS zip again to rewrite it") from None
    return {s: Identity.from_json(v) for s, v in data.items()}

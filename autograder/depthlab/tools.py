"""Make the command-line tools nbgrader needs findable."""
from __future__ import annotations

import os
import sys


def ensure_tools_on_path() -> None:
    """nbgrader runs ``alembic`` by name: put this interpreter's bin folder first on PATH."""
    bindir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])

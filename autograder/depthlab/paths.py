"""Where the course lives."""
from __future__ import annotations

import os
from pathlib import Path


def course_root() -> Path:
    """The course directory: ``$DEPTHLAB_ROOT``, else the nearest folder above
    the current one holding ``nbgrader_config.py`` and ``source/``, else the
    repository this package was installed from."""
    env = os.environ.get("DEPTHLAB_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def source_notebook(assignment: str, root: Path | None = None) -> Path:
    return (root or course_root()) / "source" / assignment / f"{assignment}.ipynb"


def release_notebook(assignment: str, root: Path | None = None) -> Path:
    return (root or course_root()) / "release" / assignment / f"{assignment}.ipynb"

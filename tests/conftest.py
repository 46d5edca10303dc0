"""Shared test set-up: nbgrader needs the venv's tools (alembic) on PATH."""
from depthlab.tools import ensure_tools_on_path

ensure_tools_on_path()

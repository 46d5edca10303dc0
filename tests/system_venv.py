"""Virtual environments of Debian's ``/usr/bin/python3`` for the tests that need one
(``test_gradescope.py``: the Gradescope zip's requirements; ``test_unprivileged.py``:
the project, not editable), filled by uv instead of pip.

Why uv (https://docs.astral.sh/uv/pip/): pip took 391 s for the zip's requirements and
505 s for the project on this 2-core machine, from nothing; uv downloads in parallel, keeps
one cache (``~/.cache/uv``, or ``UV_CACHE_DIR``) that both environments share (numpy,
matplotlib, otter, jupyter... are downloaded once) and hard-links from it. Measured
in /work/helpers/notes/speed.md.

What stays as pip would leave it: the environment is made by ``/usr/bin/python3 -m venv``
(pip in it: the Gradescope zip's ``install-grading.sh`` runs ``python -m pip``); uv
resolves the same requirements to the newest versions that satisfy them, as pip does
(checked: the same 119 distributions at the same versions as pip's build of the zip's
``requirements.txt``); bytecode is compiled as pip compiles it (``--compile-bytecode``:
a user who cannot write to the environment, the unprivileged grader and its kernels,
would otherwise compile every module at every start); and afterwards the environment's
own ``pip check`` must find every requirement satisfied.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"


def uv() -> str:
    """The uv executable of the project's environment (``pip install -e '.[dev]'``)."""
    try:
        from uv import find_uv_bin
    except ImportError:
        raise RuntimeError("uv is missing from the project's environment: run `make install` "
                           "(it is in the dev extra)") from None
    return find_uv_bin()


def _run(cmd: list[str], what: str, timeout: float) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")


def create(folder: Path, timeout: float = 300) -> None:
    """``/usr/bin/python3 -m venv folder`` (with pip, as any virtual environment)."""
    _run([SYSTEM_PYTHON, "-m", "venv", str(folder)], f"making the virtual environment {folder}", timeout)


def install(folder: Path, args: list[str], timeout: float = 1800) -> None:
    """``uv pip install ARGS`` into the environment at ``folder``, bytecode compiled, then its
    ``pip check``. ``args``: requirements (``-r file``, paths, names) and options."""
    python = str(folder / "bin" / "python")
    _run([uv(), "pip", "install", "--python", python, "--compile-bytecode", "--quiet", *args],
         f"uv pip install {' '.join(args)}", timeout)
    _run([python, "-m", "pip", "check", "--disable-pip-version-check"], f"pip check in {folder}", 300)

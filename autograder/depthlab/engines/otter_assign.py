"""The otter-grader material, generated from ``source/``: ``depthlab release`` calls :func:`build`.

For each assignment this writes, under ``assignments/<a>/``:

- ``<a>.ipynb``: an otter-assign (v1 format) master notebook, generated from
  ``source/<a>/<a>.ipynb`` (never edit it: edit the source);
- ``student/<a>.ipynb`` and ``student/tests/``: what otter's real ``otter assign``
  makes of it for students.  The notebook is the nbgrader release's notebook
  (same cells, same ``grade_id`` metadata, same ``raise NotImplementedError()``
  stubs) plus a first cell ``grader = otter.Notebook()`` (no file name, so a
  renamed copy still works) and one ``grader.check("<function>")`` cell after
  each function's test cell, which runs that cell's public asserts;
- ``autograder/<a>-autograder.zip``: the Gradescope autograder.  otter assign's
  zip (``run_autograder``, ``setup.sh``, ``environment.yml``, ``otter_config.json``,
  ``tests/``) plus ``requirements.txt`` (``environment.yml``'s pip packages, for
  a plain virtual environment) and ``depthlab/``: a wheel of this project's
  grading code (the judge, this assignment's checks and reference), the script
  that installs it (:data:`INSTALL_SCRIPT`) and the assignment's template
  notebook (the release: no solutions, no hidden tests) the judge matches
  submissions against.  The wheel is installed *outside* every Python
  environment, into :data:`GRADING_TARGET` (``setup.sh`` runs the script), and
  ``run_autograder`` puts that folder on the grading process's ``PYTHONPATH``
  only: the student's kernel (``python -S``, a cleaned environment, only the
  interpreter's own site-packages on ``sys.path``) can neither import it nor,
  isolated, read it.  The otter config names the depthlab plugin
  (:mod:`depthlab.engines.otter_plugin`), which grades outside the student's
  kernel and replaces otter's results.  The zip has a stable name and
  deterministic content (sorted entries, fixed dates), so an unchanged source
  gives a byte-identical zip.

The hidden tests in the zip are placeholders that always fail: without the
plugin, a submission gets no points rather than free ones.

The notebooks (master, template, otter's student notebook) are rewritten in
:mod:`.otter_master`; this module runs otter assign and builds the zip.
"""
from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

import nbformat

from ..checks.registry import course_files
from ..paths import course_root
from ..grading_files import package_root, wheel_files
from .otter_master import (COURSE_DIR, GRADING_REQUIREMENTS, OtterAssignError, ZIP_DIR,
                           master_notebook, student_notebook, template_notebook)
from .otter_plugin import CHECK_RE, INIT_SOURCE, PLUGIN_NAME as PLUGIN, question_name  # noqa: F401 (re-exported)

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
GRADESCOPE_SOURCE = "/autograder/source"
#: where the zip's setup installs the grading wheel on Gradescope: a folder of its own, outside every
#: Python environment, on the grading process's path only (run_autograder's PYTHONPATH)
GRADING_TARGET = "/autograder/depthlab-grading"
#: the script, inside the zip's ``depthlab/`` folder, that installs the wheel there
INSTALL_SCRIPT = "install-grading.sh"
#: otter's conda environment on Gradescope (otter.generate's OTTER_ENV_NAME)
OTTER_ENV = "otter-env"

#: assignments/README.md (kept as a file: it is a page of text)
ASSIGNMENTS_README = Path(__file__).with_name("assignments_README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- paths

def assignment_dir(assignment: str, root: Optional[Path] = None) -> Path:
    return Path(root or course_root()) / "assignments" / assignment


def zip_path(assignment: str, root: Optional[Path] = None) -> Path:
    return assignment_dir(assignment, root) / "autograder" / f"{assignment}-autograder.zip"


def student_notebook_path(assignment: str, root: Optional[Path] = None) -> Path:
    return assignment_dir(assignment, root) / "student" / f"{assignment}.ipynb"


# --------------------------------------------------------------------------- the grading wheel

def _project_version(repo: Path) -> str:
    import tomllib
    try:
        return tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError):
        from importlib.metadata import version
        return version("depthlab")


def _package_root() -> Path:
    return package_root()


def wheel_name(version: Optional[str] = None) -> str:
    version = version or _project_version(_package_root().parent)
    return f"depthlab-{version}-py3-none-any.whl"


def build_wheel(assignment: str, root: Optional[Path] = None) -> tuple[str, bytes]:
    """A pure-Python wheel (PEP 427) of the grading code, byte-identical for the same sources: one
    assignment's slice of the package, which ``python -m build`` builds neither alone nor byte-stable."""
    version = _project_version(_package_root().parent)
    name = wheel_name(version)
    dist = f"depthlab-{version}.dist-info"
    files = wheel_files(assignment, root)
    requires = "".join(f"Requires-Dist: {r}\n" for r in GRADING_REQUIREMENTS)
    files[f"{dist}/METADATA"] = (
        "Metadata-Version: 2.1\nName: depthlab\n"
        f"Version: {version}\nSummary: depthlab's grading code for the {assignment} autograder (generated)\n"
        f"Requires-Python: >=3.11\n{requires}").encode()
    files[f"{dist}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: depthlab otter_assign\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    tops = sorted({p.split("/")[0] for p in files if not p.startswith(dist)})
    files[f"{dist}/top_level.txt"] = ("\n".join(tops) + "\n").encode()
    record = []
    for path in sorted(files):
        digest = base64.urlsafe_b64encode(hashlib.sha256(files[path]).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(files[path])}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    return name, deterministic_zip(files)


# --------------------------------------------------------------------------- deterministic zips

EXECUTABLE = {"run_autograder", "setup.sh", INSTALL_SCRIPT}


def deterministic_zip(entries: dict) -> bytes:
    """Zip ``{name: bytes}`` with sorted names, fixed dates and fixed permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            mode = 0o755 if Path(name).name in EXECUTABLE else 0o644
            info.external_attr = (0o100000 | mode) << 16
            zf.writestr(info, entries[name])
    return buf.getvalue()


def zip_entries(path_or_bytes) -> dict:
    """``{name: bytes}`` of a zip file (directories left out)."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


# --------------------------------------------------------------------------- otter assign

def run_otter_assign(master: Path, dist: Path) -> None:
    """The real ``otter assign`` (its command line, in a child process)."""
    cmd = [sys.executable, "-m", "otter", "assign", "--no-run-tests", "--no-pdfs", str(master), str(dist)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(master.parent), timeout=600)
    if proc.returncode != 0:
        raise OtterAssignError(f"otter assign failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")


def _autograder_zip(assignment: str, dist: Path, root: Optional[Path]) -> bytes:
    zips = sorted((dist / "autograder").glob("*-autograder_*.zip"))
    if len(zips) != 1:
        raise OtterAssignError(f"expected one autograder zip from otter assign, found {[z.name for z in zips]}")
    entries = zip_entries(zips[0])
    name, wheel = build_wheel(assignment, root)
    entries[f"{ZIP_DIR}/{name}"] = wheel
    entries.update({f"{COURSE_DIR}/{rel}": data for rel, data in course_files(assignment, root).items()})
    entries[f"{ZIP_DIR}/template/{assignment}.ipynb"] = (nbformat.writes(template_notebook(assignment, root)) + "\n").encode()
    entries[f"{ZIP_DIR}/{INSTALL_SCRIPT}"] = install_script(name).encode()
    entries["requirements.txt"] = requirements_txt(entries["environment.yml"]).encode()
    entries["setup.sh"] = gradescope_setup(entries["setup.sh"].decode()).encode()
    entries["run_autograder"] = gradescope_run_autograder(entries["run_autograder"].decode()).encode()
    return deterministic_zip(entries)


# --------------------------------------------------------------------------- Gradescope: the grading code out of the kernel's view

def install_script(wheel: str) -> str:
    """``depthlab/install-grading.sh``: the wheel into :data:`GRADING_TARGET`, with the
    ``python`` on ``PATH`` (``setup.sh`` runs it inside otter's environment)."""
    source = f"{GRADESCOPE_SOURCE}/{ZIP_DIR}"
    return f"""#!/bin/bash
# GENERATED by `depthlab release` (autograder/depthlab/engines/otter_assign.py): do not edit.
#
# Installs depthlab's grading code and this assignment's reference (the wheel next
# to this script) into {GRADING_TARGET}: a folder outside every Python
# environment, so it is on no interpreter's path. run_autograder gives it to the
# grading process alone (PYTHONPATH); the student's notebook runs in a kernel
# started with `python -S`, a cleaned environment and only the interpreter's own
# site-packages on sys.path. The folder and {source} are made
# readable by root only, so a kernel running as another user cannot read them either.
# setup.sh runs this inside otter's environment; elsewhere, the python on PATH.
set -euo pipefail
rm -rf {GRADING_TARGET}
python -m pip install --quiet --no-deps --no-index --target {GRADING_TARGET} {source}/{wheel}
chmod -R go-rwx {GRADING_TARGET} {source}
"""


def requirements_txt(environment_yml: bytes) -> str:
    """The pip packages of otter's ``environment.yml`` (otter-grader and the grading
    wheel's dependencies), for a grader that uses a plain virtual environment."""
    import yaml
    env = yaml.safe_load(environment_yml)
    pips = [d["pip"] for d in env.get("dependencies", []) if isinstance(d, dict) and "pip" in d]
    if len(pips) != 1:
        raise OtterAssignError(f"otter's environment.yml has {len(pips)} pip sections, expected one")
    local = [r for r in pips[0] if "/" in r]
    if local:
        raise OtterAssignError(f"environment.yml installs files into otter's environment: {local}; the grading "
                               "wheel must stay out of it (install-grading.sh installs it)")
    return ("# GENERATED by `depthlab release`: environment.yml's pip packages. The grading wheel is not here:\n"
            f"# {ZIP_DIR}/{INSTALL_SCRIPT} installs it outside the environment.\n" + "\n".join(pips[0]) + "\n")


def gradescope_setup(otter_setup: str) -> str:
    """otter's ``setup.sh``, then the grading wheel installed by :func:`install_script`."""
    return (otter_setup.rstrip("\n") + "\n\n"
            "# depthlab (GENERATED by `depthlab release`): the grading code and the reference go\n"
            f"# into {GRADING_TARGET}, outside {OTTER_ENV}, out of the student's kernel's view.\n"
            f"mamba run -n {OTTER_ENV} bash {GRADESCOPE_SOURCE}/{ZIP_DIR}/{INSTALL_SCRIPT}\n")


def gradescope_run_autograder(otter_run: str) -> str:
    """otter's ``run_autograder`` with the grading folder on the grader's path.

    Otter's script activates its conda environment, then runs ``run_otter.py``.
    Here the activation happens where that environment exists (Gradescope's
    image, ``/root/miniforge3``); elsewhere (a virtual environment with
    ``requirements.txt``, first on ``PATH``) the ``python`` on ``PATH`` runs.
    """
    lines = otter_run.rstrip("\n").split("\n")
    run = f"python {GRADESCOPE_SOURCE}/run_otter.py"
    if len(lines) < 3 or not lines[0].startswith("#!") or lines[-1] != run \
            or not any(f"activate {OTTER_ENV}" in l for l in lines[1:-1]):
        raise OtterAssignError("otter's run_autograder is not the script depthlab knows (a shebang, the activation of "
                               f"{OTTER_ENV}, then `{run}`):\n{otter_run}")
    activation = "\n".join("    " + l for l in lines[1:-1])
    return f"""{lines[0]}
# GENERATED by `depthlab release` from otter assign's run_autograder: do not edit.
# The grading code and the reference are in {GRADING_TARGET} (setup.sh), on
# this process's path only: the student's kernel, started with `python -S` and a
# cleaned environment, neither imports nor (isolated) reads them.
if [ -d /root/miniforge3 ]; then
    # Gradescope: the conda environment setup.sh made
{activation}
fi
# elsewhere: the python first on PATH (a virtual environment with requirements.txt)
export PYTHONPATH={GRADING_TARGET}
{run}
"""


def generate(assignment: str, root: Optional[Path] = None) -> dict:
    """Everything for ``assignments/<a>/``, as ``{relative path: bytes}``, generated in a scratch folder."""
    root = Path(root or course_root())
    master = master_notebook(assignment, root)
    master_text = nbformat.writes(master) + "\n"
    files = {f"{assignment}.ipynb": master_text.encode()}
    with tempfile.TemporaryDirectory(prefix="depthlab-otter-") as tmp:
        tmp = Path(tmp)
        (tmp / f"{assignment}.ipynb").write_text(master_text)
        run_otter_assign(tmp / f"{assignment}.ipynb", tmp / "dist")
        dist = tmp / "dist"
        files[f"student/{assignment}.ipynb"] = student_notebook(dist / "student" / f"{assignment}.ipynb", master).encode()
        for test in sorted((dist / "student" / "tests").glob("*.py")):
            files[f"student/tests/{test.name}"] = test.read_bytes()
        files[f"autograder/{assignment}-autograder.zip"] = _autograder_zip(assignment, dist, root)
    return files


def build(assignment: str, root: Optional[Path] = None) -> list[Path]:
    """Regenerate ``assignments/<a>/`` (and ``assignments/README.md``); return the files written."""
    root = Path(root or course_root())
    files = generate(assignment, root)
    target = assignment_dir(assignment, root)
    if target.exists():
        shutil.rmtree(target)
    written = []
    for rel, data in sorted(files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    readme = root / "assignments" / "README.md"
    readme.write_text(ASSIGNMENTS_README)
    written.append(readme)
    return written


def stale_files(assignment: str, root: Optional[Path] = None, fresh: Optional[dict] = None) -> list[str]:
    """What differs between ``assignments/<a>/`` and a fresh generation (empty: up to date).

    ``fresh``: the output of :func:`generate`, if already at hand.  The zip is
    compared entry by entry (names and contents, the wheel inside it file by
    file), so the answer says what changed, not just that bytes differ.
    """
    root = Path(root or course_root())
    fresh = fresh if fresh is not None else generate(assignment, root)
    target = assignment_dir(assignment, root)
    committed = {p.relative_to(target).as_posix(): p.read_bytes()
                 for p in sorted(target.rglob("*")) if p.is_file()} if target.exists() else {}
    out = [f"assignments/{assignment}/{rel} (missing)" for rel in fresh if rel not in committed]
    out += [f"assignments/{assignment}/{rel} (not generated any more)" for rel in committed if rel not in fresh]
    for rel in sorted(set(fresh) & set(committed)):
        if fresh[rel] == committed[rel]:
            continue
        if rel.endswith(".zip"):
            out += [f"assignments/{assignment}/{rel}: {d}" for d in zip_differences(committed[rel], fresh[rel])]
        else:
            out.append(f"assignments/{assignment}/{rel}")
    readme = root / "assignments" / "README.md"
    if not readme.exists() or readme.read_text() != ASSIGNMENTS_README:
        out.append("assignments/README.md")
    return out


def zip_differences(old: bytes, new: bytes) -> list[str]:
    """Entries that differ between two zips; wheels inside are compared file by file."""
    a, b = zip_entries(old), zip_entries(new)
    out = [f"{n} (missing)" for n in sorted(set(b) - set(a))] + [f"{n} (extra)" for n in sorted(set(a) - set(b))]
    for n in sorted(set(a) & set(b)):
        if a[n] != b[n]:
            if n.endswith(".whl"):
                out += [f"{n}: {d}" for d in zip_differences(a[n], b[n])]
            else:
                out.append(n)
    if not out and old != new:
        out.append("zip metadata (dates, order or permissions)")
    return out

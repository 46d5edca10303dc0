"""JupyterLab on the release notebooks, with nbgrader's Validate button.

``run_lab`` is what ``depthlab lab`` runs for a student: JupyterLab in the
foreground on a folder of notebooks. ``lab_server`` is what the browser tests
use: the same server started quietly in throw-away Jupyter folders, with the
settings that keep a scripted browser free of popups, stopped on exit together
with every kernel it started.

nbgrader's lab extension (the Validate button) and its server extensions are
enabled by the files nbgrader installs into the environment
(``share/jupyter/labextensions/@jupyter/nbgrader`` and
``etc/jupyter/jupyter_server_config.d/nbgrader.json``); those stay on
Jupyter's search path even when the user folders are moved elsewhere.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple

import psutil

#: Server options for scripted use: no PyPI extension manager, no update or
#: news checks, no language-server scan (it runs ``npm``): nothing reaches out
#: to the network and the page loads sooner.
QUIET_SERVER_OPTIONS: tuple[str, ...] = (
    "--LabApp.extension_manager=readonly",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.news_url=",
    "--ServerApp.jpserver_extensions={'jupyter_lsp': False}",
)

#: JupyterLab user settings for scripted use: no news prompt, no update check,
#: no "Select Kernel" dialog, and every cell rendered (no virtual scrolling),
#: so a test can read every cell's outputs.
QUIET_LAB_SETTINGS: dict[str, dict] = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "autoStartDefaultKernel": True,
        "windowingMode": "none",
    },
}


class LabError(RuntimeError):
    """JupyterLab did not start; ``log`` holds the end of its output."""

    def __init__(self, message: str, log: str = ""):
        super().__init__(f"{message}\n--- JupyterLab log (end) ---\n{log}" if log else message)
        self.log = log


class LabServer(NamedTuple):
    """A running JupyterLab: ``url`` (no trailing slash) and its ``token``."""

    url: str
    token: str


def write_quiet_settings(settings_dir: str | os.PathLike) -> Path:
    """Write ``QUIET_LAB_SETTINGS`` into a JupyterLab user-settings folder."""
    settings_dir = Path(settings_dir)
    for rel, values in QUIET_LAB_SETTINGS.items():
        target = settings_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2) + "\n")
    return settings_dir


def default_notebook_dir() -> Path:
    """The course's ``release/`` folder (the student notebooks)."""
    from .paths import course_root

    return course_root() / "release"


def lab_command(
    notebook_dir: str | os.PathLike,
    *,
    port: int | None = None,
    ip: str | None = None,
    open_browser: bool = False,
    expose_app: bool = False,
    settings_dir: str | os.PathLike | None = None,
    workspaces_dir: str | os.PathLike | None = None,
    token: str | None = None,
    quiet: bool = False,
) -> list[str]:
    """The command line that starts JupyterLab with these options.

    ``port=None`` lets Jupyter pick 8888 or the next free port; a given port is
    used as is or the start fails. ``settings_dir``/``workspaces_dir`` replace
    the user's JupyterLab settings and workspaces folders. ``token=None`` lets
    Jupyter make one (printed in its log and the URL it opens). ``quiet``
    adds :data:`QUIET_SERVER_OPTIONS`.
    """
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={Path(notebook_dir).resolve()}",
        f"--ServerApp.open_browser={open_browser}",
    ]
    if port is not None:
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if ip is not None:
        cmd.append(f"--ServerApp.ip={ip}")
    if expose_app:
        cmd.append("--LabApp.expose_app_in_browser=True")
    if settings_dir is not None:
        cmd.append(f"--LabApp.user_settings_dir={Path(settings_dir).resolve()}")
    if workspaces_dir is not None:
        cmd.append(f"--LabApp.workspaces_dir={Path(workspaces_dir).resolve()}")
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if quiet:
        cmd.extend(QUIET_SERVER_OPTIONS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def _lab_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the server: this interpreter's ``bin`` first on
    PATH (kernels and nbgrader's tools resolve from there), plus ``extra``."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def start_lab(
    notebook_dir: str | os.PathLike,
    *,
    port: int | None = None,
    ip: str | None = None,
    open_browser: bool = False,
    expose_app: bool = False,
    settings_dir: str | os.PathLike | None = None,
    workspaces_dir: str | os.PathLike | None = None,
    token: str | None = None,
    quiet: bool = False,
    env: dict[str, str] | None = None,
    new_process_group: bool = False,
    stdout=None,
) -> subprocess.Popen:
    """Start JupyterLab on ``notebook_dir`` and return its process at once.

    The server runs in ``notebook_dir`` (nbgrader's Validate reads
    ``nbgrader_config.py`` from the server's working folder, if any). The
    options are :func:`lab_command`'s; ``env`` adds environment variables
    (e.g. ``JUPYTER_CONFIG_DIR``). ``new_process_group`` puts the server in a
    process group of its own, to be stopped with :func:`stop_lab`. Output goes
    to ``stdout`` (a file object; stderr joins it), else to this process's.
    """
    notebook_dir = Path(notebook_dir)
    if not notebook_dir.is_dir():
        raise LabError(f"no such folder: {notebook_dir}")
    cmd = lab_command(
        notebook_dir,
        port=port,
        ip=ip,
        open_browser=open_browser,
        expose_app=expose_app,
        settings_dir=settings_dir,
        workspaces_dir=workspaces_dir,
        token=token,
        quiet=quiet,
    )
    return subprocess.Popen(
        cmd,
        cwd=notebook_dir,
        env=_lab_env(env),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.STDOUT if stdout is not None else None,
        start_new_session=new_process_group,
    )


def run_lab(
    notebook_dir: str | os.PathLike | None = None,
    *,
    port: int | None = None,
    open_browser: bool = True,
    expose_app: bool = False,
) -> int:
    """Run JupyterLab in the foreground on ``notebook_dir`` (default: the
    course's ``release/``) until it is stopped (Ctrl-C); return its exit code
    (0 after Ctrl-C).

    The student's own Jupyter settings and folders are used; nbgrader's
    Validate button is in every notebook's toolbar. Ctrl-C, or SIGTERM to
    this process, stops the server (and its kernels) without asking.
    """
    proc = start_lab(
        notebook_dir if notebook_dir is not None else default_notebook_dir(),
        port=port,
        open_browser=open_browser,
        expose_app=expose_app,
    )
    # SIGTERM to this process (a process manager, `kill`) stops the lab too,
    # instead of leaving JupyterLab running without its parent.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C stops the lab without Jupyter's "Shut down? (y/[n])" question:
        # SIGTERM makes the server shut its kernels down and exit.
        proc.terminate()
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
        return 0 if code in (0, -signal.SIGTERM) else code
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:  # any other way out of here
            proc.kill()
            proc.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_lab(proc: subprocess.Popen, *, timeout: float = 10.0) -> None:
    """Stop a server started with ``new_process_group=True`` and everything it
    started: SIGTERM to its process group (the server then shuts its kernels
    down), SIGKILL to the group after ``timeout``, and SIGKILL to any kernel
    still alive. Kernels need the last step: jupyter_client starts each in a
    session (process group) of its own, out of reach of the server's group."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        pgid = None
    if pgid is None or pgid == os.getpgid(0):
        # Not in a group of its own: never signal our own group.
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return
    kernels = descendants(proc.pid)
    _signal_group(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(pgid, signal.SIGKILL)
    proc.wait()
    for pid, started in kernels:
        if alive(pid, started):  # still the same process, not a reused pid
            _signal_group(pid, signal.SIGKILL) if _pgid(pid) == pid else _kill(pid)
    deadline = time.monotonic() + timeout
    while any(alive(pid, started) for pid, started in kernels) and time.monotonic() < deadline:
        time.sleep(0.05)


def alive(pid: int, started: float) -> bool:
    """Whether the process ``pid`` that started at ``started`` (psutil's
    ``create_time``, as :func:`descendants` gives it) still runs (a zombie does not)."""
    try:
        proc = psutil.Process(pid)
        return proc.create_time() == started and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


def descendants(root: int) -> list[tuple[int, float]]:
    """``(pid, start time)`` of every live descendant of ``root``; the start time
    tells a process from a later one that reuses its pid (:func:`alive`)."""
    try:
        children = psutil.Process(root).children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for child in children:
        try:
            found.append((child.pid, child.create_time()))
        except psutil.Error:     # ended meanwhile
            pass
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until_up(url: str, token: str, proc: subprocess.Popen, *, timeout: float) -> None:
    """Poll ``<url>/api/status`` until it answers 200; raise ``LabError`` if
    the process exits or ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise LabError(f"JupyterLab exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise LabError(f"JupyterLab did not answer at {url} within {timeout:.0f} s ({last})")


@contextmanager
def lab_server(
    notebook_dir: str | os.PathLike,
    *,
    port: int | None = None,
    expose_app: bool = True,
    quiet_settings: bool = True,
    startup_timeout: float = 90.0,
    stop_timeout: float = 10.0,
    log_path: str | os.PathLike | None = None,
) -> Iterator[LabServer]:
    """JupyterLab on ``notebook_dir`` for a scripted browser; yields
    ``(url, token)`` once the server answers.

    The server listens on 127.0.0.1 (a free port unless ``port`` is given),
    with a fresh token and its own temporary ``JUPYTER_CONFIG_DIR``,
    ``JUPYTER_DATA_DIR``, ``JUPYTER_RUNTIME_DIR``, user-settings and
    workspaces folders, so nothing of the user's Jupyter state is read or
    written, and with :data:`QUIET_SERVER_OPTIONS`. ``expose_app`` makes
    ``window.jupyterapp`` available to the page; ``quiet_settings`` writes
    :data:`QUIET_LAB_SETTINGS`. It runs in a process group of its own and is
    stopped on exit, kernels included, by :func:`stop_lab`. Its output goes to
    ``log_path`` (default: a file in the temporary folder, quoted in the
    ``LabError`` when the start fails).
    """
    with tempfile.TemporaryDirectory(prefix="depthlab-lab-") as tmp:
        tmp = Path(tmp)
        dirs = {name: tmp / name for name in ("config", "data", "runtime", "settings", "workspaces")}
        for d in dirs.values():
            d.mkdir()
        if quiet_settings:
            write_quiet_settings(dirs["settings"])
        env = {
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        token = secrets.token_hex(24)
        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        log_file = Path(log_path) if log_path is not None else tmp / "lab.log"
        with open(log_file, "w") as log:
            proc = start_lab(
                notebook_dir,
                port=port,
                ip="127.0.0.1",
                expose_app=expose_app,
                settings_dir=dirs["settings"],
                workspaces_dir=dirs["workspaces"],
                token=token,
                quiet=True,
                env=env,
                new_process_group=True,
                stdout=log,
            )
            try:
                try:
                    wait_until_up(url, token, proc, timeout=startup_timeout)
                except LabError as exc:
                    log.flush()
                    raise LabError(str(exc), _tail(log_file)) from None
                yield LabServer(url, token)
            finally:
                stop_lab(proc, timeout=stop_timeout)


def _tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""

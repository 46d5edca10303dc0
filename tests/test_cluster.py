"""``depthlab autograde --scheduler``: grading on a real Dask cluster.

A real ``dask scheduler`` and two real ``dask worker`` processes (each with its
nanny) on loopback, random ports, started per test and torn down with every
process they started.  The class is a small generated one in a scratch course
holding a skeleton of ps2 (as in test_batch.py), so the tests stay quick.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from leftovers import wait_for
from depthlab import classgen
from depthlab.classgrade import run
from depthlab.classgrade.store import ResultStore

A = "ps2_vanishing_gradients"
BIN = Path(sys.executable).parent


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DEPTHLAB_ROOT"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def _course(tmp_path: Path, name: str, students: int, seed: int = 5) -> tuple[Path, list]:
    root = tmp_path / name
    classgen.write_skeleton_course(A, root)
    roster = classgen.generate_class(A, students, root, seed=seed, root=root)
    return root, [s.id for s in roster.students]


class DaskCluster:
    """A scheduler and two workers as subprocesses; ``stop()`` kills them and everything they started."""

    def __init__(self, tmp_path: Path, workers: int = 2):
        tmp_path.mkdir(parents=True, exist_ok=True)
        self.file = tmp_path / "scheduler.json"
        self.logs = tmp_path
        self.procs: list = []
        try:
            self._start_all(workers)
        except BaseException:
            self.stop()
            raise

    def _start_all(self, workers: int) -> None:
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0",
                                                   "--no-dashboard", "--scheduler-file", str(self.file)])
        assert wait_for(lambda: self.file.exists() and self.file.stat().st_size > 0, 180, self.scheduler), \
            self.log("scheduler")
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [self._start(f"worker{i}", ["worker", "--scheduler-file", str(self.file), "--nthreads", "1",
                                                   "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard",
                                                   "--death-timeout", "60"]) for i in range(workers)]
        from distributed import Client
        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def _start(self, name: str, args: list) -> subprocess.Popen:
        proc = subprocess.Popen([str(BIN / "dask"), *args], env=_env(), stdout=(self.logs / f"{name}.log").open("w"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()[-3000:]

    def descendants(self, proc: subprocess.Popen) -> list:
        try:
            return psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL a worker (its nanny and the worker process at once), and what it started."""
        below = self.descendants(proc)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        for p in below:
            try:
                p.kill()
            except psutil.Error:
                pass
        proc.wait(timeout=30)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            self.kill(proc)


@pytest.fixture
def dask_cluster(tmp_path):
    cluster = DaskCluster(tmp_path / "dask")
    try:
        yield cluster
    finally:
        cluster.stop()


def _kernels_under(cluster: DaskCluster) -> list:
    """Kernel processes (they carry JPY_PARENT_PID) below the cluster's workers."""
    found = []
    for proc in cluster.workers:
        for p in cluster.descendants(proc):
            try:
                if "JPY_PARENT_PID" in p.environ():
                    found.append(p.pid)
            except psutil.Error:
                pass
    return found


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_dask_cluster_grades_exactly_like_local_workers(tmp_path, dask_cluster):
    """The same class graded by `--jobs 2`, by two `dask worker` processes and by
    `--scheduler local`: the same grades.csv, the gradebook and autograded/
    written; the cluster's workers really did the grading, and no kernel of
    theirs outlives the run."""
    from distributed import Client
    first, ids = _course(tmp_path, "local", 4)
    courses = {"local": (first, ids)}
    for how in ("cluster", "localcluster"):    # the same class (generating one takes nbgrader a while)
        shutil.copytree(first, tmp_path / how)
        courses[how] = (tmp_path / how, ids)
    summaries = {
        "local": run.autograde(A, root=courses["local"][0], jobs=2, progress=False),
        "cluster": run.autograde(A, root=courses["cluster"][0], scheduler=dask_cluster.address, progress=False),
        "localcluster": run.autograde(A, root=courses["localcluster"][0], scheduler="local", jobs=2,
                                      progress=False),
    }
    csvs = {how: s.csv_path.read_text() for how, s in summaries.items()}
    assert csvs["cluster"] == csvs["local"]
    assert csvs["localcluster"] == csvs["local"]
    assert len(csvs["local"].splitlines()) == len(ids) + 1
    for how, (root, _) in courses.items():
        assert sorted(summaries[how].graded) == sorted(ids), how
        for sid in ids:
            assert (root / "autograded" / sid / A / f"{A}.ipynb").is_file(), (how, sid)
    assert {r.student: r.score for r in summaries["cluster"].results} == \
        {r.student: r.score for r in summaries["local"].results}
    with Client(dask_cluster.address, timeout=30) as client:
        tokens = client.run(lambda: os.environ.get("DEPTHLAB_COURSE_LOCK"))   # adopted by the plugin's setup
        plugins = client.run(lambda dask_worker: [n for n in dask_worker.plugins if n.startswith("depthlab-")])
    assert any(tokens.values()), tokens                                      # the plugin set up there
    assert not any(plugins.values()), plugins                                  # and was taken down
    assert wait_for(lambda: not _kernels_under(dask_cluster), 30), "kernels outlived the run on the workers"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_worker_killed_mid_run_loses_nothing(tmp_path, dask_cluster):
    """kill -9 of one `dask worker` (nanny and worker) while the class is graded:
    Dask hands its notebook to the other worker, the run ends normally, every
    student is graded without error, and a rerun keeps everything."""
    root, ids = _course(tmp_path, "course", 6, seed=21)
    store = ResultStore(A, root)
    log = tmp_path / "autograde.log"
    proc = subprocess.Popen([str(BIN / "depthlab"), "autograde", A, "--scheduler", dask_cluster.address],
                            cwd=root, env=_env(DEPTHLAB_ROOT=str(root)), stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_for(lambda: len(list(store.folder.glob("*.json"))) >= 1, 600, proc), log.read_text()
        assert proc.poll() is None, "the run finished before a worker could be killed"
        victim = dask_cluster.workers[0]
        dask_cluster.kill(victim)
        assert proc.wait(timeout=900) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    results = {r.student: r for r in store.results()}
    assert sorted(results) == sorted(ids)
    assert not [(s, r.error) for s, r in results.items() if r.error]
    assert "6 graded" in log.read_text()
    again = run.autograde(A, root=root, scheduler=dask_cluster.address, progress=False)
    assert again.graded == [] and sorted(again.skipped) == sorted(ids)


def _one_submission(tmp_path: Path) -> Path:
    """A course with the skeleton source and one submission (a copy of it): enough to reach dispatch."""
    root = tmp_path / "course"
    classgen.write_skeleton_course(A, root)
    dest = root / "submitted" / "student001" / A / f"{A}.ipynb"
    dest.parent.mkdir(parents=True)
    shutil.copyfile(root / "source" / A / f"{A}.ipynb", dest)
    return root


def test_without_dask_the_error_says_what_to_install(tmp_path, monkeypatch):
    from depthlab import cli
    root = _one_submission(tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)     # `import distributed` raises ImportError
    monkeypatch.delitem(sys.modules, "depthlab.classgrade.cluster", raising=False)
    monkeypatch.setenv("DEPTHLAB_ROOT", str(root))
    with pytest.raises(ImportError, match=r"pip install 'depthlab\[cluster\]'"):
        run.autograde(A, root=root, scheduler="tcp://127.0.0.1:1", progress=False)
    result = CliRunner().invoke(cli.main, ["autograde", A, "--scheduler", "local"])
    assert result.exit_code == 1 and "pip install 'depthlab[cluster]'" in result.output, result.output
    assert not ResultStore(A, root).entries(), "nothing was graded or stored"


def test_an_unreachable_scheduler_is_one_clear_error(tmp_path, monkeypatch):
    import socket
    from depthlab.classgrade import cluster
    root = _one_submission(tmp_path)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    with socket.socket() as s:      # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RuntimeError, match=f"could not reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        run.autograde(A, root=root, engine="direct", scheduler=f"tcp://127.0.0.1:{port}", progress=False)
    assert not ResultStore(A, root).entries()


def test_a_local_clusters_workers_fork_warm_and_take_the_batchs_environment(tmp_path, monkeypatch):
    """`--scheduler local`: the LocalCluster's worker processes are forked by the local
    workers' fork server (depthlab and nbgrader imported once), Dask's profiler is off
    in them and its periodic checks slowed, and the grading plugin gives each the batch's environment of this run."""
    from distributed import Client
    from depthlab.classgrade import cluster
    monkeypatch.setenv("DEPTHLAB_TEST_MARK", "this run")
    local = cluster.local_cluster(1)
    try:
        client = Client(local, timeout=60)
        try:
            def inside(dask_worker):
                import dask
                import multiprocessing
                dask_worker.plugins["env-test"].ready.wait(60)    # its setup runs in a thread
                return {"mark": os.environ.get("DEPTHLAB_TEST_MARK"),
                        "parent": " ".join(psutil.Process(os.getppid()).cmdline()),
                        "preloaded": "nbgrader.apps" in sys.modules,
                        "profiling": dask.config.get("distributed.worker.profile.enabled"),
                        "quiet": {key: dask.config.get(key) for key in quiet},
                        "name": multiprocessing.current_process().name}
            quiet = dict(cluster.QUIET)
            monkeypatch.setenv("DEPTHLAB_TEST_MARK", "changed")      # what the plugin must bring
            setup = {"root": str(tmp_path / "not-there"), "environ": dict(os.environ)}
            client.register_plugin(cluster.GradingPlugin(setup), name="env-test")
            [seen] = client.run(inside).values()
        finally:
            client.close()
    finally:
        local.close()
    assert "multiprocessing.forkserver" in seen["parent"] and seen["preloaded"], seen
    assert seen["profiling"] is False and seen["mark"] == "changed", seen
    assert seen["quiet"] == cluster.QUIET and cluster.QUIET["distributed.admin.tick.interval"] == "1s", seen

"""The reference's outcomes kept on disk (depthlab.judge.refcache): the same outcomes as
running the reference, never from a file that does not belong to this very reference,
and never from a folder another user could write."""
from __future__ import annotations

import dataclasses
import importlib
import json
import os

import pytest

from depthlab.judge import prepare as prep
from depthlab.judge import refcache

ASSIGNMENT = "ps2_vanishing_gradients"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DEPTHLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DEPTHLAB_REFERENCE_CACHE", raising=False)
    prep._prepare.cache_clear()
    yield tmp_path / "cache" / "reference"
    prep._prepare.cache_clear()


@pytest.fixture
def runs(monkeypatch):
    """How many times the reference ran (one call per test when it runs)."""
    calls = []
    real = prep._lines_in_process
    monkeypatch.setattr(prep, "_lines_in_process", lambda *a: calls.append(a[0]) or real(*a))
    return calls


def outcomes(prepared) -> list:
    """Every reference outcome, as text (values are numpy arrays), its time left out."""
    return [repr(dataclasses.replace(o, seconds=0.0)) for t in prepared.tests for o in t.reference]


def fresh():
    prep._prepare.cache_clear()
    return prep.prepare(ASSIGNMENT)


def test_a_second_process_reads_the_outcomes_the_first_one_kept(cache, runs):
    first = fresh()
    assert len(runs) == len(first.tests) and len(list(cache.glob(f"{ASSIGNMENT}-*.json"))) == 1
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    runs.clear()
    second = fresh()
    assert runs == [], "the reference ran again"
    assert outcomes(second) == outcomes(first) and len(outcomes(first)) > 100
    assert [t.cases_json for t in second.tests] == [t.cases_json for t in first.tests]


def test_a_changed_reference_is_run_not_read(cache, runs, monkeypatch):
    first = fresh()
    reference = importlib.import_module(first.spec.reference_module)
    fn = first.tests[0].test.function
    real = getattr(reference, fn)
    monkeypatch.setattr(reference, fn, lambda *a, **k: real(*a, **k))   # same answers, other code
    runs.clear()
    fresh()
    assert len(runs) == len(first.tests)
    assert len(list(cache.glob(f"{ASSIGNMENT}-*.json"))) == 2


def test_a_damaged_or_wrong_file_is_ignored_and_written_again(cache, runs):
    first = fresh()
    (path,) = cache.glob(f"{ASSIGNMENT}-*.json")
    for damage in ("{not json", json.dumps({"lines": []}), json.dumps([[1, 2]]), json.dumps([[]])):
        path.write_text(damage)
        runs.clear()
        again = fresh()
        assert len(runs) == len(first.tests), damage
        assert outcomes(again) == outcomes(first)
        kept = refcache.load(path.name)
        assert kept is not None and len(kept) == len(first.tests), "written again, whole"


def test_a_folder_others_can_write_is_not_used(cache, runs):
    fresh()
    os.chmod(cache, 0o777)
    assert refcache.cache_dir() is None
    runs.clear()
    fresh()
    assert runs, "the reference ran: nothing was read from a folder anyone could have written"


def test_it_can_be_turned_off(cache, runs, monkeypatch):
    monkeypatch.setenv("DEPTHLAB_REFERENCE_CACHE", "0")
    fresh()
    fresh()
    assert len(runs) == 2 * len(prep.prepare(ASSIGNMENT).tests) and not cache.exists()

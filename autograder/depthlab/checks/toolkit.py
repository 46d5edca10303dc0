"""What the check modules share: value comparisons, random problems and fixtures.

Everything here runs in the grading process on decoded values, never trusting
more of what a student returned than its value.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Optional

import numpy as np

from depthlab.judge.spec import Fixture


# --------------------------------------------------------------------------- values

def as_array(value: Any) -> Optional[np.ndarray]:
    """``value`` as a float array, or None when it is not one (ragged, text, None, ...)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def shape(value: Any) -> Optional[tuple]:
    """The shape of ``value`` as a float array, or None when it is not one."""
    arr = as_array(value)
    return None if arr is None else arr.shape


def has_nan(value: Any) -> bool:
    arr = as_array(value)
    return arr is not None and bool(np.isnan(arr).any())


def same(got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether ``got`` has the shape of ``expected`` and values within ``rtol``/``atol`` (nan never matches)."""
    g, e = as_array(got), as_array(expected)
    return g is not None and e is not None and g.shape == e.shape and bool(
        np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False))


# --------------------------------------------------------------------------- fixtures

def builder(module: ModuleType) -> Callable[[str, dict], Callable]:
    """``build(name, params)``: the callable ``make_<name>(**params)`` of a fixture module
    (what the probe uses to decode a case's Fixture arguments)."""
    def build(name: str, params: dict) -> Callable:
        return getattr(module, "make_" + name)(**params)
    return build


def build(module: ModuleType, fixture: Fixture) -> Callable:
    """The callable a Fixture stands for, built here from the assignment's fixture module."""
    return builder(module)(fixture.name, fixture.params)

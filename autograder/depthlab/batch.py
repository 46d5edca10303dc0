"""``depthlab.batch``: the class grading's former single module, kept importable.

The class grading is now the package :mod:`depthlab.classgrade`, one module per
step (collect, store, gradebook, pool, worker, dispatch, progress, export, run,
demo); this module only re-exports the names other code and scripts import
from ``depthlab.batch``.  New code imports from :mod:`depthlab.classgrade`.
"""
from __future__ import annotations

from .classgrade.collect import (IGNORED_PARTS, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO,  # noqa: F401
                                 MAX_TOTAL_BYTES, Collected, Submission, collect, member_problem,
                                 normalise_for_nbgrader, safe_id, student_from_name)
from .classgrade.demo import DEMO_HOSTILE, DemoResult, demo  # noqa: F401
from .classgrade.dispatch import STUCK_GRACE  # noqa: F401
from .classgrade.export import write_grades_csv  # noqa: F401
from .classgrade.gradebook import db_url, ensure_gradebook, gradebook_students, nbgrader_api  # noqa: F401
from .classgrade.pool import POOLS, KernelPool  # noqa: F401
from .classgrade.progress import Progress  # noqa: F401
from .classgrade.run import ENGINES, BatchInterrupted, BatchSummary, autograde  # noqa: F401
from .classgrade.store import (FILE_MODE, STORE_VERSION, ResultStore, file_sha,  # noqa: F401
                               grading_fingerprint, load_results, write_atomic)
from .config import GradingConfig  # noqa: F401

#: the former private name of :func:`depthlab.classgrade.store.write_atomic`
_write_atomic = write_atomic

"""nbgrader's configuration for this course directory (the repository root).

Plain ``nbgrader generate_assignment``/``autograde``/``generate_feedback`` run
here use depthlab's judge (outside the student's kernel) and clear hidden tests
from feedback: the settings come from ``depthlab.engines.nbgrader_engine``.
"""
import os

from depthlab.engines.nbgrader_engine import nbgrader_config

c = get_config()  # noqa: F821  (nbgrader provides it)
c.merge(nbgrader_config(os.path.dirname(os.path.abspath(__file__))))

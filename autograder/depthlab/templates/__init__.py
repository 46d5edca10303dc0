"""The Jinja2 templates of depthlab's HTML pages: the TA report (``report.html``)
and the students' feedback (``feedback.html``).

Every page renders with autoescape on, so whatever a student controls (a
message quoting their output, their id, a written answer) is text: ``<script>``
arrives as ``&lt;script&gt;``, and ``{{ }}`` or ``{% %}`` stay literal because
values are never parsed as template source.  The templates are named
``*.html`` so that the package data pattern ``*.html`` ships them in the wheel.
"""
from __future__ import annotations

from functools import lru_cache

import jinja2


def _g(value) -> str:
    """A number as Python's ``format(value, "g")`` writes it (``3.0`` -> ``3``)."""
    return format(value, "g")


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("depthlab", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,     # a misspelt name fails the render instead of printing nothing
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["g"] = _g
    return env


def render(name: str, **context) -> str:
    """The template ``name`` (e.g. ``"report.html"``) rendered with ``context``."""
    return environment().get_template(name).render(**context)

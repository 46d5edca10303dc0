"""Cutting text to a width for messages and terminal tables: depthlab's one helper.

Why not ``textwrap.shorten``: it cuts between words only, so a text whose first
word is longer than the width (a repr such as ``[[0.1,0.2,...]]``, a path, a
student's long identifier) comes back as the placeholder alone, and it always
folds whitespace, which would change case labels inside a student's strings.
``clip`` cuts at the width and keeps what fits.  (``judge/probe.py`` keeps its
own copy: it runs inside the student's kernel, which cannot import depthlab.)
"""
from __future__ import annotations

ELLIPSIS = "..."


def clip(text, width: int, *, one_line: bool = True) -> str:
    """``str(text)`` in at most ``width`` characters, ending in "..." when cut.

    one_line: first fold every run of whitespace (newlines too) into one space.
    """
    text = " ".join(str(text).split()) if one_line else str(text)
    return text if len(text) <= width else text[: max(0, width - len(ELLIPSIS))] + ELLIPSIS

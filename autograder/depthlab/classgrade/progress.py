"""The class grading's progress meter: how many notebooks are graded, how long it
took and how long is left, as a redrawn bar on a terminal and as whole lines
in a log.
"""
from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    """Grading progress on ``stream`` (stderr), drawn by tqdm: the label, a count,
    the elapsed time and the time left (tqdm's estimate from the mean rate so far).

    On a terminal tqdm redraws the bar in place.  Elsewhere (the log of an
    unattended run) redraws would pile up as carriage returns on one line, so
    the same meter (``tqdm.format_meter``) is printed as a whole line every
    10 % or 30 s, and at the end.
    """

    FORMAT = "{desc} [{bar:28}] {n_fmt}/{total_fmt} {percentage:3.0f}% {elapsed} elapsed, {remaining} left{postfix}"

    def __init__(self, total: int, *, label: str = "", stream=None, enabled: bool = True):
        self.total = total
        self.done = 0
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.start = time.monotonic()
        self._last_line = 0.0
        self._last_tenth = -1
        self._bar = tqdm(total=total, desc=label, file=self.stream, bar_format=self.FORMAT, smoothing=0,
                         dynamic_ncols=True, disable=not (self.enabled and self.tty))

    def line(self, last: str = "") -> str:
        """The meter as one line of text (what a log gets)."""
        return tqdm.format_meter(self.done, self.total, time.monotonic() - self.start, prefix=self.label,
                                 ascii=True, bar_format=self.FORMAT, postfix=last or None)

    def update(self, last: str = "") -> None:
        """One more notebook done; ``last`` says which (``"ann 18/23"``)."""
        self.done += 1
        if not self.enabled:
            return
        if self.tty:
            self._bar.set_postfix_str(last, refresh=False)
            self._bar.update()
            return
        tenth = 10 * self.done // self.total
        now = time.monotonic()
        if tenth != self._last_tenth or now - self._last_line > 30 or self.done == self.total:
            self._last_tenth, self._last_line = tenth, now
            self.stream.write(self.line(last) + "\n")
            self.stream.flush()

    def close(self) -> None:
        self._bar.close()

"""How far an accounts job is: a bar on a terminal, a plain line per row otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .console import reader_gone
from .outcomes import OUTCOMES, RowOutcome

BAR_WIDTH = 24


def duration(seconds: float) -> str:
    """Return ``seconds`` as m:ss, or h:mm:ss from an hour on."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class Progress:
    """Counts rows as they finish and shows rows done, rows per minute and the time left."""

    def __init__(
        self, total: int, stream: TextIO | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Expect ``total`` rows to run (rows settled before the run are not counted)."""
        self.total = total
        self.stream = stream or sys.stderr
        self.clock = clock
        self.started = clock()
        self.counts: Counter[str] = Counter()
        self.interactive = self.stream.isatty()
        self.unread = False  # the stream closed under the run (a pipe's reader gone, a terminal hung up)
        if self.interactive and total:
            self.draw()

    @property
    def done(self) -> int:
        """Return how many rows have finished."""
        return sum(self.counts.values())

    def rate(self) -> float:
        """Return rows finished per minute so far (0 before the first)."""
        elapsed = self.clock() - self.started
        return self.done / elapsed * 60 if elapsed > 0 and self.done else 0.0

    def status(self) -> str:
        """Return "done/total rows, rate/min, time left"."""
        rate = self.rate()
        left = duration((self.total - self.done) / rate * 60) if rate else "?"
        return f"{self.done}/{self.total} rows, {rate:.1f}/min, {left} left"

    def tally(self) -> str:
        """Return how many rows had each outcome so far, e.g. "3 changed, 1 conflict"."""
        return ", ".join(f"{self.counts[name]} {name}" for name in OUTCOMES if self.counts[name])

    def update(self, outcome: RowOutcome) -> None:
        """Count a finished row and show it."""
        self.counts[outcome.outcome] += 1
        if self.interactive:
            self.draw()
            return
        detail = f": {outcome.messages[0]}" if outcome.messages and outcome.outcome not in ("changed",) else ""
        self.say(f"row {outcome.row} {outcome.outcome} {outcome.customer} ({outcome.seconds:.1f} s){detail}"
                 f"  [{self.status()}]\n")  # fmt: skip

    def say(self, text: str) -> None:
        """Write ``text``; once the stream is closed under the run, nothing more: the rows go on all the same (the
        journal and the results say what they did), as a run watched through a pipe whose reader went."""
        if self.unread:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError as error:
            if not reader_gone(error):
                raise
            self.unread = True

    def draw(self) -> None:
        """Redraw the bar in place."""
        filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        tally = f"  ({self.tally()})" if self.counts else ""
        self.say(f"\r\033[K{bar} {self.status()}{tally}")

    def finish(self) -> None:
        """End the bar's line, with the time the run took."""
        if self.interactive:
            self.say(f"  in {duration(self.clock() - self.started)}\n")


def summary(outcomes: list[RowOutcome], results: Path) -> str:
    """Return "N rows: 3 changed, 1 invalid; results in PATH"."""
    counts = Counter(outcome.outcome for outcome in outcomes)
    named = [*OUTCOMES, *sorted(set(counts) - set(OUTCOMES))]  # the rows a run stopped before too ("not-run")
    tally = ", ".join(f"{counts[name]} {name}" for name in named if counts[name])
    return f"{len(outcomes)} rows: {tally or 'none'}; results in {results}"

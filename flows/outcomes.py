"""What became of each row of an accounts job, and the exit code a run of them earns."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pages.errors import address_of

CHANGED = "changed"
UNCHANGED = "unchanged"  # its values already held: nothing submitted, or a Submit refused as a conflict after which
# the portal held them (sent twice by the browser, or the same change by someone else: its message says so)
INVALID = "invalid"
NOT_FOUND = "not-found"
NOT_ALLOWED = "not-allowed"
CONFLICT = "conflict"
FAILED = "failed"
OUTCOMES = (CHANGED, UNCHANGED, INVALID, NOT_FOUND, NOT_ALLOWED, CONFLICT, FAILED)
STOPPED = "not-run"  # a row a stopped run never finished: in its results only, never journalled
DONE = frozenset({CHANGED, UNCHANGED})
REFUSED = frozenset({INVALID, NOT_FOUND, NOT_ALLOWED, CONFLICT})
# A failed row may be tried again (on --resume); every other outcome is the row's last word.
FINAL = frozenset(OUTCOMES) - {FAILED}

EXIT_DONE, EXIT_FAILED, EXIT_REFUSED = 0, 1, 3


@dataclass
class RowOutcome:
    """One row's outcome: the row's values, the fields before and after, the portal's messages."""

    row: int  # the row's number in the file, the header being row 1 (rows given as mappings: from 1)
    customer: str  # as the row names it: a company name or a Microsoft ID
    outcome: str  # one of OUTCOMES, or STOPPED ("not-run") for a row a stopped run never finished
    customer_id: str = ""
    wanted: dict[str, str] = field(default_factory=dict)  # the row's values
    before: dict[str, str] = field(default_factory=dict)  # the row's fields before it ran
    after: dict[str, str] = field(default_factory=dict)  # ...and after: the portal's values (theirs, for a conflict)
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    trace: str = ""  # a Playwright trace of a failed row
    retry_after: float | None = None  # seconds the portal asked to wait before the row is tried again (throttled)
    portal_gone: bool = False  # the portal did not answer at all: waited for before the row is tried again
    gone_at: str = ""  # where it did not, when not its pages: a request of the page's script a gateway answered

    def as_dict(self) -> dict[str, Any]:
        """Return the outcome as plain JSON-ready values (``gone_at`` without its query: a search's words)."""
        return {**dataclasses.asdict(self), "gone_at": address_of(self.gone_at)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RowOutcome:
        """Build an outcome from ``as_dict()``'s values, ignoring keys it does not know."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in names})


def exit_code(outcomes: Iterable[RowOutcome]) -> int:
    """Return 0 when every row is changed or unchanged, 1 when one failed, else 3 (some were refused)."""
    found = {outcome.outcome for outcome in outcomes}
    if FAILED in found:
        return EXIT_FAILED
    return EXIT_REFUSED if found & REFUSED else EXIT_DONE

"""The journal's lines read back: what each entry says, what is wrong with one, and where a killed run cut one.

A killed run may leave its last line cut; the next run ends it before its own first entry. Any other line no entry
can be read from, or an entry the job did not write as it is, could hide a Submit made: ``flows.journal`` refuses
to resume from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .outcomes import FINAL, RowOutcome

STARTED, OUTCOME, RUN = "started", "outcome", "run"
LINE = "_line"  # kept with an entry read back, not written
START_AFRESH = "start afresh without resuming (rows whose values already hold are not submitted again)"


def keyed_by_content(key: object, content: str) -> bool:
    """Whether ``key`` is one ``Journal.number`` gives: ``content``, or ``content#k/n`` (the k-th of n rows alike)."""
    return isinstance(key, str) and re.fullmatch(rf"{re.escape(content)}(#[1-9]\d*/[1-9]\d*)?", key) is not None


def line_order(entry: Mapping[str, Any]) -> int:
    """Return the line of the journal an earlier run's entry was read from: the order it was written in."""
    return int(entry.get(LINE, 0))


def damaged(entry: Mapping[str, Any]) -> str:
    """Return what is wrong with a row's entry read back (a hand-edited line, say), "" when nothing is."""
    if entry.get("event") not in (STARTED, OUTCOME):
        return f"its event is {entry.get('event')!r}, not {STARTED!r} or {OUTCOME!r}"
    if type(entry.get("row", 0)) is not int:
        return f"its row is {entry.get('row')!r}, no number"
    if entry["event"] == OUTCOME:
        if not isinstance(entry.get("outcome"), dict):
            return "its outcome is no mapping"
        try:
            RowOutcome.from_dict(entry["outcome"])
        except TypeError as error:  # a value it must have is missing
            return f"its outcome is not one: {error}"
    elif not isinstance(entry.get("before"), dict):
        return "the values it found before its Submit are no mapping"
    return ""


def journal_lines(text: str) -> list[str]:
    """Return the journal's lines, split at line feeds alone: a value may hold U+2028, U+2029 or U+0085, which
    ``json.dumps`` leaves as they are and ``str.splitlines`` would split an entry at."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def cut_by_a_kill(lines: list[str], number: int, runs_recorded: bool) -> bool:
    """Tell whether line ``number``, which holds no entry, is where a run killed while writing leaves a cut line:
    the start of an entry, as the last line or one that the next run ended before its first entry (its run's line;
    in a journal of an earlier version, which wrote none, ``runs_recorded`` false, a row's)."""
    line = lines[number]
    if line != "{" and not line.startswith('{"'):  # every entry starts so: text of anyone else's, or a damaged disk
        return False
    if number == len(lines) - 1:
        return True
    try:
        following = json.loads(lines[number + 1])
    except ValueError:
        return False
    if not isinstance(following, dict):
        return False
    return following.get("event") == RUN or (not runs_recorded and "hash" in following)


def journal_text(path: Path) -> str:
    """Return the journal's text; a character a run killed while writing cut in its last line is replaced, not
    refused."""
    return path.read_bytes().decode("utf-8", errors="replace")


def begun_unfinished(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a row's ``started`` entries when no final outcome follows the last of them (its Submit may have reached
    the portal, unsaid); else none."""
    entries = sorted(entries, key=line_order)
    begun = [at for at, entry in enumerate(entries) if entry["event"] == STARTED]
    if not begun or any(
        entry["event"] == OUTCOME and entry["outcome"]["outcome"] in FINAL for entry in entries[begun[-1] :]
    ):
        return []
    return [entries[at] for at in begun]

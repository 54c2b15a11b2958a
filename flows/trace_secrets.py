"""Secrets kept out of Playwright traces: a trace records what was typed, a password included.

A trace is evidence people pass around (CI artifacts, bug reports); the password typed at sign-in, or
at a sign-in renewed in the middle of a traced run, must not travel with it. Each secret is replaced in
every file of the trace (the actions' log, the network log, the bodies of the requests sent) as typed,
as JSON writes it and as a form encodes it; the file is then readable by its owner only.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

HIDDEN = "********"
SECRETS: set[str] = set()  # this process's secrets, replaced in every trace it scrubs (keep_out_of_traces)


def keep_out_of_traces(*secrets: str | None) -> None:
    """Replace ``secrets`` in every trace this process scrubs from now on (a test run's role password, say)."""
    SECRETS.update(secret for secret in secrets if secret)


def spellings(secret: str) -> set[bytes]:
    """Return the forms ``secret`` takes in a trace's files."""
    forms = {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
    return {form.encode() for form in forms if form}


def scrub_trace(path: str | Path, secrets: Iterable[str | None] = ()) -> None:
    """Replace each of ``secrets`` (and those kept out of traces) in the trace zip at ``path``, and leave it
    readable by its owner only."""
    path = Path(path)
    every = {*SECRETS, *(secret for secret in secrets if secret)}
    forms = sorted({form for secret in every for form in spellings(secret)}, key=len, reverse=True)
    if forms and path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(descriptor)
        try:
            with zipfile.ZipFile(path) as old, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as new:
                for item in old.infolist():
                    data = old.read(item)
                    for form in forms:
                        data = data.replace(form, HIDDEN.encode())
                    new.writestr(item, data)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    if path.exists():
        os.chmod(path, 0o600)

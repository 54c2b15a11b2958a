"""Credentials kept out of failure reports: the values a traceback shows are masked before any report has them.

pytest's long traceback shows the arguments of each function it goes through, and with ``-l`` (or ``showlocals``
in a team's configuration) every local variable: a saved sign-in's cookies, an ``Authorization`` header, a
token's answer. Reports are evidence people pass around (CI logs, JUnit, the HTML report), and a session
cookie or a token signs its holder in for hours. Each value shown is masked where it is a cookie's value, a
bearer credential, a token (a JWT, or a value under a token's or password's key), or one of the run's
secrets (``flows.trace_secrets``); the names, and every other value, stay as they were. So is the failure's own
text: an assertion's message and the values pytest shows of a comparison, in the traceback (``--tb=native``'s too)
and in the one line the short summary and JUnit's ``message`` give it. A local or argument named as a credential
(``refresh_token``, ``password``, ``verifier``...) has its text masked whatever it holds: an opaque refresh token has
no shape of its own; and so has a credential's value in an address or an encoded form (``refresh_token=...``), as
the body of a request to the identity provider holds it.

What a test's run printed or logged is masked alike, in every report: the captured stdout, stderr and log
sections ("Captured log call", JUnit's ``system-out`` and ``system-err``, the HTML report's log), a passing test's
as a failing one's; and so are the live log (``--log-cli-level``) and the log file (``--log-file``). A library
logs the address it is at, werkzeug each request line of the bundled portal (an OpenID Connect callback's
``?code=``), a script prints what it got.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from _pytest._code.code import ExceptionChainRepr, ReprEntry, ReprEntryNative, ReprExceptionInfo, ReprFileLocation

from flows.trace_secrets import HIDDEN, SECRETS

# A value under a key that names a credential (a cookie's "value" too), as a dict's repr or JSON writes it.
KEYED = re.compile(
    r"""(?P<key>['"](?:value|access_token|refresh_token|id_token|code|code_verifier|password|client_secret|totp_secret)['"]"""
    r"""\s*:\s*)(?P<quote>['"])(?:\\.|(?!(?P=quote)).)*(?:(?P=quote)|$)""",
    re.IGNORECASE,
)
# A repr may cut a long value short with "...": its dots are taken as the value's own.
BEARER = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+[\w.~+/=-]+", re.IGNORECASE)
JWT = re.compile(r"\beyJ[\w.-]*")
# A credential's value in an address or a form's encoding: a token request's body, an OAuth redirect's query.
FORM = re.compile(
    r"(?P<key>(?<![\w-])(?:access_token|refresh_token|id_token|code|code_verifier|passwd|password|client_secret|otc|flowToken|ctx|nonce)=)"
    r"[^&\s'\"#]+"
)
# A local's or an argument's name that says it holds a credential; only text values are masked (not a token source).
CREDENTIAL_NAME = re.compile(r"(?:^|_)(?:token|password|passwd|secret|verifier)$", re.IGNORECASE)
TEXT_VALUE = re.compile(r"""^b?['"]""")
LOCAL = re.compile(r"^(?P<name>\S+)\s*= (?P<value>.*)$", re.DOTALL)  # a line of pytest's -l: "name   = value"


def masked(text: str) -> str:
    """Return ``text`` with the credentials it shows replaced by ``HIDDEN``."""
    text = KEYED.sub(lambda found: f"{found['key']}{found['quote']}{HIDDEN}{found['quote']}", text)
    text = BEARER.sub(lambda found: f"{found['scheme']} {HIDDEN}", text)
    text = JWT.sub(HIDDEN, text)
    text = FORM.sub(lambda found: f"{found['key']}{HIDDEN}", text)
    for secret in SECRETS:
        text = text.replace(secret, HIDDEN)
    return text


def masked_as(name: str, value: str) -> str:
    """Return a local's or an argument's shown ``value`` masked, whole when ``name`` says it is a credential."""
    if CREDENTIAL_NAME.search(name) and TEXT_VALUE.match(value):
        return repr(HIDDEN)
    return masked(value)


def masked_local(line: str) -> str:
    """Return one line of ``-l``'s locals (``name = value``) masked."""
    local = LOCAL.match(line)
    if local is None:
        return masked(line)
    return line[: local.start("value")] + masked_as(local["name"], local["value"])


def crashes(longrepr: object) -> Iterator[ReprFileLocation]:
    """Yield where each exception of a report's failure was raised, with its one-line message."""
    if isinstance(longrepr, ExceptionChainRepr):
        yield from (crash for _, crash, _ in longrepr.chain if crash is not None)
    if isinstance(longrepr, ExceptionChainRepr | ReprExceptionInfo) and longrepr.reprcrash is not None:
        yield longrepr.reprcrash


def entries(longrepr: object) -> Iterator[ReprEntry | ReprEntryNative]:
    """Yield each traceback entry of a report's failure (of each exception in its chain)."""
    if isinstance(longrepr, ExceptionChainRepr):
        for traceback, _, _ in longrepr.chain:
            yield from traceback.reprentries
    elif isinstance(longrepr, ReprExceptionInfo):  # --tb=native's: Python's own traceback, one entry
        yield from longrepr.reprtraceback.reprentries


class MaskedFormatter(logging.Formatter):
    """A log handler's formatter whose every line has its credentials masked."""

    def __init__(self, shown: logging.Formatter) -> None:
        super().__init__()
        self.shown = shown

    def format(self, record: logging.LogRecord) -> str:
        return masked(self.shown.format(record))


def pytest_sessionstart(session: pytest.Session) -> None:  # pytest's logging plugin has made its handlers by now
    """Mask what the live log and the log file write: they write as the run goes, no report is made of them."""
    logging_plugin = session.config.pluginmanager.get_plugin("logging-plugin")
    for name in ("log_cli_handler", "log_file_handler"):
        handler = getattr(logging_plugin, name, None)
        if handler is not None and handler.formatter is not None and not isinstance(handler.formatter, MaskedFormatter):
            handler.setFormatter(MaskedFormatter(handler.formatter))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    for entry in entries(report.longrepr):
        if isinstance(entry, ReprEntryNative):  # --tb=native: Python's own lines, the message among them
            entry.lines = [masked(line) for line in entry.lines]
            continue
        if entry.reprfuncargs is not None:
            entry.reprfuncargs.args = [(name, masked_as(name, str(value))) for name, value in entry.reprfuncargs.args]
        if entry.reprlocals is not None:
            entry.reprlocals.lines = [masked_local(line) for line in entry.reprlocals.lines]
        entry.lines = [masked(line) for line in entry.lines]  # the source, the message, a comparison's values
    for crash in crashes(report.longrepr):
        crash.message = masked(crash.message)
    # What the test printed and logged: the terminal's "Captured ..." sections, JUnit's and the HTML report's output
    report.sections = [(header, masked(content)) for header, content in report.sections]
    return report

"""Saved sign-ins, one per role, made once per run and renewed when the portal stops accepting them.

Only the sign-in tests sign in through the UI every time; the others start signed in from a
saved browser state per role. Signing in takes a verification code, and an identity provider
takes each code once, so the run's workers share one sign-in per role (made under a file lock by
the first worker that needs it). With ``--auth-dir`` the run uses sign-ins a person saved
(``python -m flows save-sign-in``) and signs in nowhere.

A real deployment's sessions end: when a test finds the portal asking to sign in again, the role
signs in again on the spot (``pages.renewal``), the test goes on, and its log and the run's
summary (``plugins.renewal_report``) say so. A sign-in the portal refuses (or a saved one it no
longer accepts) stops the run with one message, instead of failing every test after it.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from filelock import FileLock, Timeout
from greenlet import greenlet
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from fixtures.identity import DEMO_TOTP_SECRET
from flows import (
    BlockedPortError,
    ClockOffError,
    MfaRequiredError,
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    UntrustedCertificateError,
    complete_sign_in,
    sign_in,
)
from flows.cli_sign_in import TAKE_CERTIFICATE_OPTION
from flows.saved_sign_in import (
    SavedSignInError,
    check_saved_user,
    restore_session_storage,
    save_sign_in,
    saved_sign_in_path,
)
from flows.sign_in import TOTP_SECRET_VARIABLE, check_secret
from flows.trace_secrets import keep_out_of_traces, secret
from pages.errors import TAKE_CERTIFICATE
from pages.renewal import SignInRenewal, renew_sign_in_with

from .option_values import target
from .retries import NotTransient
from .shown_paths import shown_path

log = logging.getLogger("suite")
STALLS_TO_STOP = 2  # sign-ins of a role that got nowhere in time, in a row, that stop the run
RENEWAL_SAVE_WAIT_S = 30  # how long a renewed sign-in waits for the lock of its file (another worker's save)
ROLES = ("global-admin", "admin-agent", "sales-agent", "helpdesk-agent")  # the suite's role users
ROLE_USERS_VARIABLE, USER_DOMAIN_VARIABLE = "PORTAL_ROLE_USERS", "PORTAL_USER_DOMAIN"
ROLE_USERS = pytest.StashKey[dict[str, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("portal")
    group.addoption(
        "--portal-totp-secret",
        default=os.environ.get(TOTP_SECRET_VARIABLE),
        metavar="BASE32",
        help="the role users' authenticator secret, for the verification code of each sign-in "
        f"(default: ${TOTP_SECRET_VARIABLE}; against the bundled portal, its demo secret)",
    )
    group.addoption(
        "--ignore-https-errors",
        action="store_true",
        help="let the browser take a certificate it does not trust (a test deployment's, of an internal CA); "
        "else the run stops at the first sign-in, saying so",
    )
    group.addoption(
        "--auth-dir",
        metavar="DIR",
        help="use the sign-ins saved in DIR (python -m flows save-sign-in) instead of signing in",
    )
    group.addoption(
        "--user-domain",
        default=os.environ.get(USER_DOMAIN_VARIABLE) or None,
        metavar="DOMAIN",
        help=f"sign the role users in as ROLE@DOMAIN (global-admin@contoso.partner.onmschina.cn), as Entra ID "
        f"names its users (default: ${USER_DOMAIN_VARIABLE}; else the role's name alone, as the bundled portal's)",
    )
    group.addoption(
        "--role-user",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        help=f"the user who plays ROLE ({', '.join(ROLES)}), by the name it signs in with; once per role, over "
        f"--user-domain (default: ${ROLE_USERS_VARIABLE}, ROLE=NAME pairs separated by commas)",
    )


def role_users(config: pytest.Config) -> dict[str, str]:
    """Return who plays each role: ``--role-user`` over ``--user-domain`` over the role's own name; raise
    ``pytest.UsageError`` for a pair that names no role or no user."""
    domain = config.getoption("--user-domain")
    users = {role: f"{role}@{domain.lstrip('@')}" if domain else role for role in ROLES}
    pairs = [*os.environ.get(ROLE_USERS_VARIABLE, "").split(","), *config.getoption("--role-user")]
    for pair in filter(str.strip, pairs):
        role, equals, name = (part.strip() for part in pair.partition("="))
        if not equals or role not in ROLES or not name:
            raise pytest.UsageError(f"--role-user {pair!r}: give ROLE=NAME, ROLE one of {', '.join(ROLES)}")
        users[role] = name
    return users


class SavedSignIns:
    """A saved sign-in per role, made on first use (shared by the run's workers) and renewed when refused."""

    def __init__(
        self,
        browser: Browser,
        base_url: str,
        password: str,
        totp_secret: str | None,
        folder: Path,
        session: pytest.Session,
        auth_dir: Path | None = None,
        users: dict[str, str] | None = None,
    ) -> None:
        self.browser = browser
        self.base_url = base_url
        self.password = password
        self.totp_secret = totp_secret
        self.folder = folder
        self.session = session
        self.auth_dir = auth_dir
        self.users = users or {}  # who plays each role, by the name it signs in with (else the role's own)
        self.renewed: list[str] = []  # roles renewed during the current test, for its report
        self.stalls: Counter[str] = Counter()  # sign-ins that got nowhere in time since the role's last one that did

    def user(self, role: str) -> str:
        """Return the name the user who plays ``role`` signs in with."""
        return self.users.get(role, role)

    def path(self, role: str) -> Path:
        """Return the role's saved sign-in, signing in through the UI if this run has none yet."""
        if self.auth_dir is not None:
            saved = saved_sign_in_path(self.base_url, self.user(role), self.auth_dir)
            if not saved.exists():  # the others missing said too: not found one run at a time
                missing = missing_sign_ins(self.base_url, self.auth_dir, self.users)
                commands = "; ".join(f"`{self.renew_command(other)}`" for other in missing)
                self.stop(f"There is no saved sign-in of {role} at {saved} (missing: {', '.join(missing)}): {commands}")
            try:
                # Whole, the role's and this portal's: else every test would fail on it.
                check_saved_user(saved, self.user(role), self.base_url)
            except SavedSignInError as unusable:
                self.stop(f"{unusable}: save it again with `{self.renew_command(role)}`")
            return saved
        saved = self.run_copy(role)
        refused_before = saved.with_suffix(".refused")
        with FileLock(saved.with_suffix(".lock")):
            if refused_before.exists():  # by another worker: typed again here, the password would count twice
                self.stop(refused_before.read_text(encoding="utf-8"))
            if not saved.exists():
                context = self.browser.new_context(
                    base_url=self.base_url, ignore_https_errors=self.session.config.getoption("--ignore-https-errors")
                )
                page = context.new_page()
                try:
                    sign_in(page, self.user(role), self.password, totp_secret=self.totp_secret)
                    save_sign_in(context, saved, {"user": self.user(role)})
                    self.stalls[role] = 0
                except SignInInterruptedError as interrupted:  # a gateway's or the portal's trouble: this test's
                    # Its page is the sign-in's, not the test's: photographed here, or no failure's evidence keeps it
                    said = f"{interrupted}{self.photographed(page, role)}"
                    raise SignInInterruptedError(said, status=interrupted.status) from interrupted
                except SignInStalledError as stalled:  # no step, or no answer, in time: nothing refused, as above
                    self.stalled_again(role, stalled)
                    raise SignInStalledError(f"{stalled}{self.photographed(page, role)}") from stalled
                except UntrustedCertificateError as untrusted:  # every test's alike, until told otherwise
                    self.stop(f"The sign-in of {role} at {self.base_url} stopped: {in_suite_terms(untrusted)}")
                except BlockedPortError as blocked:  # every test's alike
                    self.stop(f"The sign-in of {role} at {self.base_url} stopped: {blocked}")
                except MfaRequiredError as asked:  # nothing refused: the run lacks what the provider asks for
                    self.stop(
                        f"The sign-in of {role} at {self.base_url} needs what the run was not given: {asked} "
                        f"For this suite: --portal-totp-secret (or $PORTAL_TOTP_SECRET), or saved sign-ins "
                        f"(`python -m flows save-sign-in --base-url {self.base_url} --user {self.user(role)} "
                        f"--auth-dir DIR`, "
                        f"then --auth-dir DIR){self.photographed(page, role)}."
                    )
                except SignInError as refused:
                    said = f"The portal refused the sign-in of {role} at {self.base_url}: {refused}"
                    if (
                        self.totp_secret
                        and not isinstance(refused, ClockOffError)  # the secret may be right: the clock is said
                        and re.search(r"code|代码|验证码", str(refused), re.IGNORECASE)
                    ):
                        said += f" (the codes come from --portal-totp-secret: is it the authenticator of {role}?)"
                    elif re.search(r"password|mot de passe|密码", str(refused), re.IGNORECASE):
                        said += (
                            f" (the password comes from --portal-password, or $PORTAL_PASSWORD: is it that of "
                            f"{self.user(role)}?)"
                        )
                    refused_before.write_text(said, encoding="utf-8")
                    self.stop(f"{said}{self.photographed(page, role)}")
                finally:
                    context.close()
        return saved

    def photographed(self, page: Page, role: str) -> str:
        """Keep a screenshot of the page where the run's own sign-in of ``role`` stopped; say where it is, if taken.

        No test has failed yet (the sign-in is a fixture's), so no test's folder would keep it. A later one (a retry's)
        is numbered, not written over it: taken under the role's lock, no other worker takes one meanwhile.
        """
        folder = Path(self.session.config.getoption("--output"))
        path, taken = folder / f"sign-in-{role}-stopped.png", 1
        while path.exists():
            taken += 1
            path = folder / f"sign-in-{role}-stopped-{taken}.png"
        try:
            page.screenshot(path=path, full_page=True)
        except PlaywrightError:  # a page gone: the message says enough
            return ""
        return f" (the page then: {shown_path(self.session.config, str(path))})"

    def run_copy(self, role: str) -> Path:
        """Return where this run keeps the role's sign-in to this portal (workers on one portal share it)."""
        path = saved_sign_in_path(self.base_url, role, self.folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def stalled_again(self, role: str, stalled: SignInStalledError) -> None:
        """Count a sign-in of ``role`` that got nowhere in time; stop the run at ``STALLS_TO_STOP`` in a row: a slow
        provider's costs a test, a page of no step the library knows would cost every test a timeout."""
        self.stalls[role] += 1
        if self.stalls[role] >= STALLS_TO_STOP:
            self.stop(
                f"The sign-in of {role} at {self.base_url} got nowhere {self.stalls[role]} times in a row: "
                f"{str(stalled).rstrip('.')}"
            )

    def open_context(self, new_context: object, role: str, **context_args: object) -> BrowserContext:
        """Open a context signed in as ``role`` (``new_context``: the suite's factory) that renews when refused."""
        path = self.path(role)
        context: BrowserContext = new_context(storage_state=path, **context_args)  # type: ignore[operator]
        restore_session_storage(context, path)
        renew_sign_in_with(context, self.renewal(role))
        return context

    def renewal(self, role: str) -> SignInRenewal:
        """Return how a context signed in as ``role`` signs in again when the portal asks."""

        def renew(page: Page) -> None:
            if self.auth_dir is not None:
                self.stop(
                    f"The portal no longer accepts the saved sign-in of {role} at {self.base_url} "
                    f"({saved_sign_in_path(self.base_url, self.user(role), self.auth_dir)}): renew it with "
                    f"`{self.renew_command(role)}`"
                )
            try:
                complete_sign_in(page, self.user(role), self.password, totp_secret=self.totp_secret)
            except SignInStalledError as stalled:
                self.stalled_again(role, stalled)
                raise
            except SignInInterruptedError:  # nothing refused: the test fails, the run goes on
                raise
            except SignInError as refused:
                self.stop(f"The portal no longer accepts the sign-in of {role} at {self.base_url}: {refused}")
            saved = self.run_copy(role)
            # A renewal in a window (pages.renewal_window) runs in a greenlet beside this thread's other work: there, a
            # wait for the lock (a sleep) would hold back the very greenlet that may hold it. It tries once instead.
            beside = greenlet.getcurrent().parent is not None
            try:
                with FileLock(saved.with_suffix(".lock"), timeout=0 if beside else RENEWAL_SAVE_WAIT_S):
                    save_sign_in(page.context, saved, {"user": self.user(role)})
            except Timeout:
                log.warning("The renewed sign-in of %s was not saved for later tests: its file stayed locked", role)
            self.stalls[role] = 0
            self.renewed.append(role)
            log.warning("The saved sign-in of %s was refused: signed in again; later tests use the new one", role)

        return renew

    def renew_command(self, role: str) -> str:
        """Return the command that saves (or renews) a role's sign-in for ``--auth-dir``."""
        user = self.user(role)
        return f"python -m flows save-sign-in --base-url {self.base_url} --user {user} --auth-dir {self.auth_dir}"

    def stop(self, message: str) -> None:
        """Stop the run after this test with ``message`` (xdist's controller stops the other workers too).

        With saved sign-ins, the message says how to renew them.
        """
        if self.auth_dir is not None and "save-sign-in" not in message:
            message += f"; renew the saved sign-in with `{self.renew_command('global-admin')}`"
        self.session.shouldstop = f"{message.rstrip('.')}. The run stops here"
        raise RunStoppedError(message)


def in_suite_terms(untrusted: UntrustedCertificateError) -> str:
    """Return the library's words for an untrusted certificate, naming the suite's option instead of the context's."""
    return str(untrusted).replace(
        TAKE_CERTIFICATE, TAKE_CERTIFICATE_OPTION
    )  # the suite's option has the commands' name


class RunStoppedError(SignInError, NotTransient):
    """What stops the run (a refused sign-in, an address that is no API): never retried, for a retry would type
    the refused password again, and a few runs of that lock the role's account out."""


@pytest.fixture(scope="session")
def totp_secret(pytestconfig: pytest.Config) -> str | None:
    """The role users' authenticator secret: the option's, else the bundled portal's demo secret."""
    given = pytestconfig.getoption("--portal-totp-secret")
    bundled = not (pytestconfig.getoption("base_url", None) or pytestconfig.getini("base_url"))
    found = secret(given or (DEMO_TOTP_SECRET if bundled else None))  # '********' in a traceback's arguments
    keep_out_of_traces(found)  # a script's source and typed values in a trace
    return found


@pytest.fixture(scope="session")
def sign_ins(
    browser: Browser,
    base_url: str,
    portal_password: str,
    totp_secret: str | None,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> SavedSignIns:
    """The run's saved sign-ins, one per role, shared by its xdist workers (a run may go without xdist)."""
    root = tmp_path_factory.getbasetemp()
    worker = hasattr(request.config, "workerinput")  # not xdist's worker_id: -p no:xdist has no such fixture
    folder = (root.parent if worker else root) / "sign-ins"  # one folder for the run's workers
    folder.mkdir(exist_ok=True)
    auth_dir = request.config.getoption("--auth-dir")
    return SavedSignIns(
        browser, base_url, portal_password, totp_secret, folder, request.session, Path(auth_dir) if auth_dir else None,
        request.config.stash[ROLE_USERS],
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    config.stash[ROLE_USERS] = role_users(config)  # a mistake said once, before any test


def missing_sign_ins(base_url: str, auth_dir: Path, users: dict[str, str]) -> list[str]:
    """Return the roles with no saved sign-in in ``auth_dir`` for the portal at ``base_url``."""
    return [role for role in ROLES if not saved_sign_in_path(base_url, users.get(role, role), auth_dir).exists()]


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name at the start the roles ``--auth-dir`` has no sign-in of: which tests need which role is known only as
    each runs, and the first to need one stops the run."""
    auth_dir, base_url = config.getoption("--auth-dir"), target(config)
    missing = missing_sign_ins(base_url, Path(auth_dir), config.stash[ROLE_USERS]) if auth_dir and base_url else []
    if not missing:
        return []
    return [
        f"--auth-dir {auth_dir} has no saved sign-in of {', '.join(missing)}: the first test that signs in as one "
        f"stops the run (save each with `python -m flows save-sign-in --base-url {base_url} --user USER "
        f"--auth-dir {auth_dir}`)"
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse a TOTP secret that is no base32 once, at the start: each test's sign-in would fail on it."""
    try:
        check_secret(session.config.getoption("--portal-totp-secret"))
    except ValueError as unusable:
        raise pytest.UsageError(f"--portal-totp-secret: {unusable}") from None

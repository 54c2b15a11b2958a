"""The suite's data and sign-ins: seeded faker, customers made through the API, a saved sign-in per role."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import xml_key  # pytest's JUnit writer: on xdist's controller only, which writes the file
from playwright.sync_api import BrowserContext, Page

from fixtures.api_client import NotApiAnswerError, PortalApi
from fixtures.api_tokens import ProviderTokens, TokenError, http_session_from
from fixtures.directory import Directory, User
from fixtures.identity import DEMO_PASSWORD, PARTNER_AUTOMATION_CLIENT_ID
from fixtures.identity_http import HttpSignInError
from fixtures.test_data import CustomerFactory
from flows.accounts_cli import API_CLIENT_VARIABLE, API_URL_VARIABLE
from flows.base_url import screen_addresses_argument
from flows.saved_sign_in import read_sign_in
from flows.trace_secrets import Secret, keep_out_of_traces
from pages import AccountPage, UntrustedCertificateError
from pages.addresses import ADDRESSES_VARIABLE, screen_addresses, use_screen_addresses
from pages.watch import watch
from plugins.a11y import SCANS, UNFINISHED
from plugins.browser_recovery import tolerate_death
from plugins.evidence import root_defaults
from plugins.made_once import MadeOnce
from plugins.retries import attempt, no_screenshot_when_passed, traced_on_retry
from plugins.sign_ins import ROLES, SavedSignIns

CONTEXTS = pytest.StashKey[list[BrowserContext]]()  # the browser contexts a test made
EDITING_ROLES = ROLES[:3]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("portal", "Partner Center portal under test")
    group.addoption(
        "--portal-password",
        default=os.environ.get("PORTAL_PASSWORD") or None,
        help="password of the role users (global-admin, admin-agent, sales-agent, helpdesk-agent); "
        "default: $PORTAL_PASSWORD; required for a portal elsewhere than this machine, whose default is the "
        "bundled portal's demo password",
    )
    group.addoption(
        "--api-url",
        default=os.environ.get(API_URL_VARIABLE) or None,
        metavar="URL",
        help="the REST API's address, where the tests make their data, e.g. "
        f"https://partner.partnercenterapi.microsoftonline.cn/ (default: ${API_URL_VARIABLE}, else --base-url)",
    )
    group.addoption(
        "--api-client-id",
        default=os.environ.get(API_CLIENT_VARIABLE) or None,
        metavar="ID",
        help="the public client (Secure Application Model) the API's tokens are asked for, where no saved sign-in "
        f"records one (default: ${API_CLIENT_VARIABLE}; else the bundled provider's)",
    )
    group.addoption(
        "--screen-addresses",
        type=screen_addresses_argument,
        default=os.environ.get(ADDRESSES_VARIABLE) or None,
        metavar="SCREEN=ADDRESS,...",
        help="where the deployment keeps the screens the tests open by address, below --base-url, e.g. "
        "'customers=commerce/customers,customer=commerce/customers/{id},account=commerce/customers/{id}/account,"
        f"edit=' ({{id}}: the customer's Microsoft ID; an empty edit: opened by Edit). Default: ${ADDRESSES_VARIABLE}, "
        "else the bundled portal's",
    )
    group.addoption(
        "--demo-mode",
        action="store_true",
        default=False,
        help="for a person watching a headed run: outline each element before use, show the step's name",
    )
    group.addoption(
        "--pause-on-failure",
        action="store_true",
        default=False,
        help="headed runs: open the Playwright Inspector at a failing step or assertion, to look at the live page",
    )
    group.addoption(
        "--data-seed",
        type=int,
        default=int(os.environ["DATA_SEED"]) if os.environ.get("DATA_SEED") else None,
        help="seed of the faker data the tests make; printed in the header to replay a run (default: random)",
    )
    group.addoption(
        "--run-tag",
        default=None,
        type=run_tag,
        metavar="TAG",
        help="what makes this run's names and domains its own on a shared deployment (default: 64 random bits); "
        "with --data-seed, replays a test's data exactly",
    )


# The tag goes into customers' domain prefixes (a DNS label: letters, digits, hyphens inside; 63 at most with the
# test's code and number) and user names: a CI job's id with "_" or "." failed every test's setup.
RUN_TAG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")


def run_tag(value: str) -> str:
    """Return ``value`` as ``--run-tag``'s; refuse one a domain prefix cannot hold, saying what it can."""
    if not RUN_TAG.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} cannot go into a customer's domain prefix: give 1 to 32 letters, digits and hyphens, "
            "no hyphen first or last (e.g. ci-1234)"
        )
    return value


def shard_group(config: pytest.Config) -> int | None:
    """Return G when this run is one shard (``--splits N --group G``), else None."""
    option = config.option
    return option.group if getattr(option, "group", None) and getattr(option, "splits", None) else None


@pytest.hookimpl(tryfirst=True)  # before junitxml, pytest-html and pytest-split read these options
def pytest_configure(config: pytest.Config) -> None:
    """Name a shard's outputs after it, and keep pytest-split's durations at the repository root.

    With ``--splits N --group G`` the JUnit XML, the HTML report and the failure artifacts go to
    ``reports/junit-G.xml``, ``reports/report-G.html`` and ``test-results/shard-G/`` (whatever paths
    were given, numbered the same way), so shards run on one machine, or downloaded side by side,
    never overwrite each other.
    """
    option = config.option
    use_screen_addresses(option.screen_addresses)  # None: the bundled portal's
    # One seed and one tag for the whole run: xdist's workers take the controller's.
    given = getattr(config, "workerinput", {})
    option.data_seed = given.get(
        "data_seed", option.data_seed if option.data_seed is not None else secrets.randbelow(10**6)
    )
    option.run_tag = given.get("run_tag", option.run_tag or secrets.token_hex(8))
    if getattr(option, "durations_path", None) == os.path.join(os.getcwd(), ".test_durations"):
        option.durations_path = str(config.rootpath / ".test_durations")  # the default follows the cwd
    root_defaults(option, config.rootpath)
    if hasattr(config, "workerinput"):
        # With xdist, the controller sees every worker's reports and stores them all; a worker would
        # only overwrite the file with its own share.
        option.store_durations = False
    group = shard_group(config)
    if group is None:
        return
    for name in ("xmlpath", "htmlpath"):
        if path := getattr(option, name, None):
            setattr(option, name, str(Path(path).with_stem(f"{Path(path).stem}-{group}")))
    option.output = str(Path(option.output) / f"shard-{group}")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Name the shard ("2/3") in its JUnit file: the merge then tells a missing one (scripts/merge_junit.py)."""
    junit = session.config.stash.get(xml_key, None)
    if (group := shard_group(session.config)) is not None and junit is not None:
        junit.add_global_property("shard", f"{group}/{session.config.option.splits}")


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: each worker takes the run's seed and tag
def pytest_configure_node(node: Any) -> None:
    node.workerinput.update(data_seed=node.config.option.data_seed, run_tag=node.config.option.run_tag)


def pytest_report_header(config: pytest.Config) -> list[str]:
    option = config.option
    lines = [
        f"test data: --data-seed={option.data_seed} --run-tag={option.run_tag} "
        "(replay this run's data, names included, with the same options)"
    ]
    option = config.option
    if shard_group(config) is not None:
        paths = (getattr(option, "xmlpath", None), getattr(option, "htmlpath", None))  # None: plugin disabled
        reports = ", ".join(path for path in paths if path) or "no reports"
        lines.append(f"shard {option.group}/{option.splits}: {reports}, failure artifacts in {option.output}")
    # Options that do nothing as given: said once, at the top, rather than found missing after a failure.
    if getattr(option, "tracing", None) == "on-first-retry" and not getattr(option, "reruns", 0):
        lines.append(
            "note: --tracing=on-first-retry without --reruns: a failure is not retried (only a test marked "
            "flaky(reruns=N) is), so it keeps no trace"
        )
    if option.pause_on_failure and not option.headed:
        lines.append("note: --pause-on-failure needs --headed (a window to pause in): ignored")
    return lines


@pytest.fixture(scope="session")
def portal_password(pytestconfig: pytest.Config) -> str:
    # Elsewhere than this machine, a password must be given (the run refuses to start without one).
    password = Secret(pytestconfig.getoption("--portal-password") or DEMO_PASSWORD)  # '********' in a traceback
    keep_out_of_traces(password)  # a sign-in renewed in a traced test types it (plugins/retries.py scrubs them)
    return password


@pytest.fixture
def faker_seed(pytestconfig: pytest.Config, request: pytest.FixtureRequest) -> int:
    """Each test's own seed, from the run's seed and its name: same data whatever the order or worker."""
    return pytestconfig.getoption("--data-seed") + zlib.crc32(request.node.nodeid.encode())


@pytest.fixture(scope="session")
def run_api(
    base_url: str, portal_password: str, totp_secret: str | None, sign_ins: SavedSignIns, pytestconfig: pytest.Config
) -> Iterator[MadeOnce[PortalApi]]:
    """The run's API client, made when a test first needs it: a failure that may pass (the portal or
    a gateway down for a moment) fails that test, and the next one tries again."""
    api_url = pytestconfig.getoption("--api-url") or base_url  # the bundled portal serves its API itself
    client_id = pytestconfig.getoption("--api-client-id")

    def connect() -> PortalApi:
        return connect_api(api_url, base_url, portal_password, totp_secret, sign_ins, client_id)

    made = MadeOnce(connect, PortalApi.close)
    yield made
    made.close()


def connect_api(
    api_url: str,
    base_url: str,
    portal_password: str,
    totp_secret: str | None,
    sign_ins: SavedSignIns,
    client_id: str | None = None,
) -> PortalApi:
    """Return the portal's REST API as the global admin, with tokens from the identity provider (``role_api``'s)."""
    tokens = role_tokens("global-admin", base_url, portal_password, totp_secret, sign_ins, client_id)
    try:
        api = PortalApi(api_url, tokens.username, portal_password, tokens=tokens)
        api.call("GET", "v1/customers?size=1")  # one look: an address that is no API stops the run once
    except BaseException as error:  # else not answered now: the next test asks again
        tokens.close()
        if isinstance(error, (TokenError, HttpSignInError)):  # no API, no test data: one message, not one per test
            sign_ins.stop(f"The portal's API takes no token for global-admin at {api_url}: {error}")
        elif isinstance(error, NotApiAnswerError):
            sign_ins.stop(f"{api_url} is not the portal's REST API: {error}")
        elif isinstance(error, UntrustedCertificateError):  # every test's alike, until this machine trusts it
            sign_ins.stop(f"The portal's API cannot be used from here: {error}")
        raise
    return api


def role_tokens(
    role: str, base_url: str, password: str, totp_secret: str | None, sign_ins: SavedSignIns, client_id: str | None
) -> ProviderTokens:
    """Return the API's tokens for the user playing ``role``, asked of the identity provider.

    The provider signs the client in with the role's saved sign-in in the browser (single sign-on), so the run
    spends no second verification code on it, and a deployment's provider (Entra ID, its MFA) is passed as a
    person passed it; a saved refresh token (save-sign-in) serves as well.
    """
    path = sign_ins.path(role)
    state = read_sign_in(path)
    client_id = state.get("api_client_id") or client_id or PARTNER_AUTOMATION_CLIENT_ID  # the saved one's first
    return ProviderTokens(
        base_url, sign_ins.user(role), password, totp_secret, refresh_token=state.get("refresh_token"),
        client_id=client_id, http=http_session_from(state), cache=path if "refresh_token" in state else None,
    )  # fmt: skip


@pytest.fixture
def role_api(
    api: PortalApi, base_url: str, portal_password: str, totp_secret: str | None, sign_ins: SavedSignIns
) -> Iterator[Callable[[str], PortalApi]]:
    """Return the REST API as the user playing a role (its saved sign-in's tokens), closed when the test ends."""
    made: list[PortalApi] = []

    def as_role(role: str) -> PortalApi:
        tokens = role_tokens(role, base_url, portal_password, totp_secret, sign_ins, api.tokens.client_id)
        made.append(PortalApi(api.base_url, tokens.username, portal_password, tokens=tokens))
        return made[-1]

    yield as_role
    for client in made:
        client.close()


@pytest.fixture
def api(run_api: MadeOnce[PortalApi]) -> PortalApi:
    """The portal's REST API as the global admin (made at the run's first need of it, then shared)."""
    return run_api.get()


@pytest.fixture
def partner_domain(api: PortalApi) -> str:
    """The partner's own domain (its tenant's), which bills may not go to: its global admin's, as the API's token
    names the admin."""
    name = api.principal_name()
    assert "@" in name, f"the API's token names its user {name!r}, with no domain: the partner's domain is not known"
    return name.rpartition("@")[2]


@pytest.fixture(scope="session")
def run_directory(run_api: MadeOnce[PortalApi]) -> MadeOnce[Directory | None]:
    """The identity provider's user API, looked up when a test first needs it (as ``run_api``)."""

    def find() -> Directory | None:
        api = run_api.get()
        candidate = Directory(api.tokens.provider()["issuer"], api)
        return candidate if candidate.available(api.username) else None

    return MadeOnce(find)


@pytest.fixture
def directory(run_directory: MadeOnce[Directory | None]) -> Directory | None:
    """The identity provider's user API, as the global admin, where it has the bundled one's; else None."""
    return run_directory.get()


@pytest.fixture
def make_user(
    directory: Directory | None,
    run_id: str,
    test_code: str,
    portal_password: str,
    totp_secret: str | None,
    sign_ins: SavedSignIns,
) -> Callable[[str], User]:
    """Return a user with ``role`` of this test's own (the bundled provider), else the role user itself.

    A provider takes each verification code once per user: tests that sign in through the UI do
    it as users of their own, so they never take a code another test, worker or run needs. Named
    from the run's tag, the test's code and a random part: unique across workers, runs, retries and
    replays (``--run-tag``) on one provider.
    """

    def make(role: str) -> User:
        if directory is None:  # the user who plays the role (--role-user, --user-domain)
            return User(sign_ins.user(role), portal_password, totp_secret)
        user = directory.register(f"{role}-{run_id}-{test_code}-{secrets.token_hex(3)}", role)
        keep_out_of_traces(user.password, user.totp_secret)  # typed into its sign-ins, which a retry traces
        return user

    return make


@pytest.fixture(scope="session")
def run_id(pytestconfig: pytest.Config) -> str:
    """The run's tag (64 random bits unless ``--run-tag``): names never collide with other runs on one portal."""
    return str(pytestconfig.option.run_tag)


@pytest.fixture
def test_code(request: pytest.FixtureRequest) -> str:
    """A short code of this test's node id: its names differ from every other test's, whatever the order.

    A retry's code is its own: the customers its first attempt made may be on the portal still.
    """
    code = hashlib.blake2b(request.node.nodeid.encode(), digest_size=5).hexdigest()
    return code if attempt(request.node) == 1 else f"{code}r{attempt(request.node)}"


@pytest.fixture
def customers(api: PortalApi, faker_seed: int, run_id: str, test_code: str) -> CustomerFactory:
    """Makes this test's own customers through the API, named from the run's tag and this test's code."""
    return CustomerFactory(api, faker_seed, f"{run_id}-{test_code}")


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], pytestconfig: pytest.Config, request: pytest.FixtureRequest
) -> Callable[..., BrowserContext]:
    """The plugin's context factory: the browser speaks en-US unless told otherwise (the portal follows
    it), with demo mode and pause on failure when asked for."""
    pause = pytestconfig.getoption("--pause-on-failure") and pytestconfig.getoption("--headed")
    made: list[BrowserContext] = request.node.stash.setdefault(CONTEXTS, [])
    marked = request.node.get_closest_marker("browser_context_args")
    default_locale = {} if marked and "locale" in marked.kwargs else {"locale": "en-US"}

    def make(**kwargs: object) -> BrowserContext:
        context = no_screenshot_when_passed(new_context(**{**default_locale, **kwargs}), request.node)
        context = tolerate_death(traced_on_retry(context, request.node))  # a dead browser's trace is lost
        watch(context, demo=pytestconfig.getoption("--demo-mode"), pause_on_failure=pause)
        made.append(context)
        return context

    return make


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With --pause-on-failure, stop a headed test that failed outside a flow step (an assertion)."""
    report = yield
    config = item.config
    if (
        report.when == "call"
        and report.failed
        and config.getoption("--pause-on-failure")
        and config.getoption("--headed")
    ):
        already_paused = call.excinfo is not None and getattr(call.excinfo.value, "paused", False)
        pages = [page for context in item.stash.get(CONTEXTS, []) for page in context.pages]
        if pages and not already_paused:
            pages[-1].pause()
    return report


@pytest.fixture
def page_as(new_context: Callable[..., BrowserContext], sign_ins: SavedSignIns) -> Callable[..., Page]:
    """Return a new page signed in as ``role``, in a context of its own (traced like ``page``).

    The browser speaks en-US unless ``locale`` says otherwise: the portal follows its language.
    When the portal no longer accepts the saved sign-in, the role signs in again (once).
    """

    def open_page(role: str, locale: str = "en-US", **context_args: object) -> Page:
        return sign_ins.open_context(new_context, role, locale=locale, **context_args).new_page()

    return open_page


@pytest.fixture
def edit_form_address(page_as: Callable[..., Page]) -> Callable[[str], str | None]:
    """Return the address of a customer's edit form, for a request of a test's own: where ``--screen-addresses``
    keeps it, or, where it keeps none (``edit=``), where the global admin's Edit opens the form. None where the form
    has no address of its own: Edit opens it in place, at the Account page's own address (a dialog over it, say).
    """

    def address(customer_id: str) -> str | None:
        if kept := screen_addresses().of("edit", customer_id):
            return kept
        account = AccountPage(page_as("global-admin")).open(customer_id)
        account_address = account.page.url
        form_address = account.edit().page.url
        return None if form_address == account_address else form_address

    return address


@pytest.fixture
def admin_page(page_as: Callable[..., Page]) -> Iterator[Page]:
    """A page signed in as the global admin."""
    yield page_as("global-admin")


@pytest.fixture
def check_here(
    check_accessibility: Callable[..., object],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., object]]:
    """``check_accessibility`` against a baseline file of the test's own, left out of the run's summary: its scans,
    and the screens it did not scan whole (a page of its own, broken off on purpose)."""
    monkeypatch.setattr(request.config.option, "a11y_baseline", str(tmp_path / "a11y.json"))
    yield check_accessibility
    request.node.stash[SCANS], request.node.stash[UNFINISHED] = [], set()

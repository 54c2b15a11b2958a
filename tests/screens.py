"""The screens of the workflow, how a test reaches each one in a language, and what on it varies with the data.

Each screen is reached the quickest way a person could (a page's own address where it has one),
settled (loaded, the Customers list no longer busy, the pointer out of the way), and handed over
with the masks for its screenshots: every value that differs from run to run (customer names,
Microsoft IDs, domains, the signed-in user, a search typed with the run's tag). The customers a
screen shows are this test's own, made with values of fixed length (digits for the unique part),
so that the layout does not depend on the data either: masks cover whole elements, and no value
wraps or widens differently from one run to the next.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from playwright.sync_api import Locator, Page

from fixtures.api_client import Customer, PortalApi
from fixtures.directory import Directory, User
from flows import EditConflictError, ValidationError, submit_changes
from flows.sign_in import one_time_code
from pages import (
    AccountEditPage,
    AccountPage,
    CustomerNotFoundError,
    CustomerPage,
    CustomersPage,
    DashboardPage,
    SignInPage,
    screen_addresses,
)
from pages.strings import LOCALES
from plugins.retries import NotTransient

# A desktop's and a phone's: the portal's style sheet lays it out for narrow screens, so each is scanned (its reflow
# too) and photographed.
VIEWPORTS = {"desktop": {"width": 1280, "height": 720}, "narrow": {"width": 390, "height": 844}}
NO_SUCH_CUSTOMER = "00000000-0000-4000-8000-000000000000"
# The bundled portal's banner and Dashboard say who is signed in: masked, whoever it is.
SIGNED_IN_AS = {"en-US": "Signed in as ", "fr-FR": "Connecté en tant que ", "zh-CN": "登录身份："}
# A Chinese customer's Bill-to info that every rule accepts; only the name and domain are the test's own.
FIXED_BILLING = {
    "firstName": "伟", "lastName": "张", "email": "wei.zhang@example.com", "phoneNumber": "13800138000",
    "addressLine1": "建国路 88 号", "addressLine2": "", "city": "北京市", "state": "北京市", "postalCode": "100022",
}  # fmt: skip


@dataclass
class Shown:
    """A screen as reached: its page, and what to mask in its screenshots."""

    page: Page
    masks: list[Locator] = field(default_factory=list)


class Visit:
    """What reaching a screen takes in one test: its fixtures, asked for only when a screen needs them."""

    def __init__(self, request: pytest.FixtureRequest, locale: str) -> None:
        self.request, self.locale = request, locale
        self.drawn = itertools.count(1)

    def unique_digits(self) -> str:
        """Return 8 digits of this test's own, as wide as any other 8 in the portal's font: from the run's tag, the
        test's code (a retry's its own) and how many it drew before, so a replay (``--run-tag``) draws them again."""
        drawn = f"{self.fixture('run_id')}/{self.fixture('test_code')}/{next(self.drawn)}"
        return f"{int.from_bytes(hashlib.blake2b(drawn.encode(), digest_size=8).digest()) % 10**8:08d}"

    def fixture(self, name: str) -> object:
        return self.request.getfixturevalue(name)

    @cached_property
    def page(self) -> Page:
        """A page signed in as the global admin, in the visit's language."""
        return self.fixture("page_as")("global-admin", locale=self.locale)  # type: ignore[operator]

    @cached_property
    def api(self) -> PortalApi:
        return self.fixture("api")  # type: ignore[return-value]

    def customer(self, name: str | None = None) -> Customer:
        """Create a customer of this test's own: fixed Bill-to info, a name and domain of fixed length."""
        tag = self.unique_digits()
        values = {"companyName": name or f"Contoso {tag}", "domainPrefix": f"qa-look-{tag}", **FIXED_BILLING}
        return self.fixture("customers").create("CN", **values)  # type: ignore[attr-defined]

    def user(self) -> User:
        """Register a user of this test's own (a fixed-length name); the role user against another provider."""
        directory: Directory | None = self.fixture("directory")  # type: ignore[assignment]
        if directory is None:
            return self.fixture("make_user")("admin-agent")  # type: ignore[operator]
        return directory.register(f"look{self.unique_digits()}", "admin-agent")

    def signed_in_masks(self, page: Page) -> list[Locator]:
        """Mask who is signed in (banner, Dashboard)."""
        return [page.get_by_text(re.compile("^" + re.escape(SIGNED_IN_AS[self.locale])))]


def values_shown(page: Page, *values: str) -> list[Locator]:
    """Return the elements whose whole text is one of ``values`` (a heading, a definition, a cell)."""
    return [page.get_by_text(value, exact=True) for value in values]


def settle(page: Page) -> None:
    """Wait for what a person waits for (style sheets, images, fonts) and move the pointer off the page's controls."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.mouse.move(0, 0)  # a hover left by the last click would change a button's colour


# Sign-in: the identity provider's pages, a step each, in a browser that has not signed in.


def sign_in_step(step: str) -> Callable[[Visit], Shown]:
    def reach(visit: Visit) -> Shown:
        context = visit.fixture("new_context")(locale=visit.locale)  # type: ignore[operator]
        page: Page = context.new_page()
        steps = SignInPage(page)
        page.goto(screen_addresses().dashboard)  # the portal sends the browser to its identity provider
        if step == "account":
            steps.headings[step].wait_for()
            return Shown(page)
        user = visit.user()
        order = ["account", "password", "code", "stay_signed_in"]
        for done in order[: order.index(step)]:
            steps.headings[done].wait_for()
            if done == "account":
                steps.enter_account(user.name)
            elif done == "password":
                steps.enter_password(user.password)
            else:
                steps.enter_code(one_time_code(user.totp_secret or ""))
        steps.headings[step].wait_for()
        return Shown(page, [page.get_by_text(re.compile("^" + re.escape(user.name) + "@"))])  # the user's name

    return reach


# Signed-in screens, as the global admin.


def dashboard(visit: Visit) -> Shown:
    page = DashboardPage(visit.page).open().page
    return Shown(page, visit.signed_in_masks(page))


def customers_loaded(visit: Visit) -> Shown:
    tag = visit.unique_digits()
    for number in (1, 2, 3):  # a page of the test's own customers, found by a search only they match
        visit.customer(f"Contoso {tag} {number}")
    listed = CustomersPage(visit.page).open().search(f"Contoso {tag}")
    return Shown(visit.page, [*visit.signed_in_masks(visit.page), listed.search_box, listed.table.get_by_role("cell")])


def customers_empty(visit: Visit) -> Shown:
    listed = CustomersPage(visit.page).open().search(f"no-such-{visit.fixture('run_id')}")
    return Shown(visit.page, [*visit.signed_in_masks(visit.page), listed.search_box])


def customer_masks(visit: Visit, customer: Customer) -> list[Locator]:
    return [*visit.signed_in_masks(visit.page), *values_shown(visit.page, customer.companyName, customer.id)]


def a_customer(visit: Visit) -> Shown:
    customer = visit.customer()
    CustomerPage(visit.page).open(customer.id)
    return Shown(visit.page, customer_masks(visit, customer))


def account_masks(visit: Visit, customer: Customer) -> list[Locator]:
    return [*customer_masks(visit, customer), *values_shown(visit.page, customer.domain)]


def account(visit: Visit) -> Shown:
    customer = visit.customer()
    AccountPage(visit.page).open(customer.id)
    return Shown(visit.page, account_masks(visit, customer))


def account_saved(visit: Visit) -> Shown:
    """The Account page after Submit, saying the changes were saved."""
    customer = visit.customer()
    form = AccountEditPage(visit.page).open(customer.id)
    submit_changes(form, {"city": "上海市"})
    return Shown(visit.page, account_masks(visit, customer))


def edit_masks(visit: Visit, form: AccountEditPage, customer: Customer) -> list[Locator]:
    return [*customer_masks(visit, customer), form.field("companyName")]


def edit(visit: Visit) -> Shown:
    customer = visit.customer()
    form = AccountEditPage(visit.page).open(customer.id)
    return Shown(visit.page, edit_masks(visit, form, customer))


def edit_refused(visit: Visit) -> Shown:
    customer = visit.customer()
    form = AccountEditPage(visit.page).open(customer.id)
    with pytest.raises(ValidationError):
        submit_changes(form, {"postalCode": "12", "email": "not-an-address"})
    return Shown(visit.page, edit_masks(visit, form, customer))


def edit_conflict(visit: Visit) -> Shown:
    customer = visit.customer()
    form = AccountEditPage(visit.page).open(customer.id)
    visit.api.update_billing(customer.id, {"phoneNumber": "13900139000"})  # another agent, meanwhile
    with pytest.raises(EditConflictError):
        submit_changes(form, {"city": "上海市"})
    return Shown(visit.page, edit_masks(visit, form, customer))


def add_customer(visit: Visit) -> Shown:
    CustomersPage(visit.page).open().add_customer()  # by the list's link: a deployment's own address for it
    return Shown(visit.page, visit.signed_in_masks(visit.page))


def error_page(visit: Visit) -> Shown:
    with pytest.raises(CustomerNotFoundError):
        AccountPage(visit.page).open(NO_SUCH_CUSTOMER)
    return Shown(visit.page, visit.signed_in_masks(visit.page))


SCREENS: dict[str, Callable[[Visit], Shown]] = {
    "sign-in-account": sign_in_step("account"),
    "sign-in-password": sign_in_step("password"),
    "sign-in-code": sign_in_step("code"),
    "sign-in-stay-signed-in": sign_in_step("stay_signed_in"),
    "dashboard": dashboard,
    "customers": customers_loaded,
    "customers-empty-search": customers_empty,
    "customer": a_customer,
    "account": account,
    "account-saved": account_saved,
    "account-edit": edit,
    "account-edit-refused": edit_refused,
    "account-edit-conflict": edit_conflict,
    "add-customer": add_customer,
    "error-404": error_page,
}


class Checks:
    """Runs every check of a screen even when one fails, then fails once with all of them.

    Not retried when any failure is one that never mends (a finding, a missing baseline): the retry would
    fail with it again, whatever became of the others (a screenshot's difference).
    """

    def __init__(self, screen: str, locale: str) -> None:
        self.screen, self.locale = screen, locale
        self.failures: list[tuple[str, AssertionError]] = []

    @contextmanager
    def check(self, what: str = "") -> Iterator[None]:
        try:
            yield
        except AssertionError as failed:
            self.failures.append((what, failed))

    def verdict(self) -> None:
        __tracebackhide__ = True
        if not self.failures:
            return
        said = "\n\n".join(f"[{what}] {failed}" if what else str(failed) for what, failed in self.failures)
        kind = NotTransient if any(isinstance(failed, NotTransient) for _, failed in self.failures) else AssertionError
        raise kind(f"Screen '{self.screen}' in {self.locale}: {len(self.failures)} check(s) failed\n{said}")


def look_at_each_viewport(
    shown: Shown,
    screen: str,
    locale: str,
    check_accessibility: Callable[..., object],
    expect_screenshot: Callable[..., None],
) -> Checks:
    """Scan the screen and compare its full-page screenshot at each viewport; return the checks, to judge at once.

    A layer this run leaves out (``-m``, a deployment without baselines: plugins/layers.py) does nothing.
    """
    checks = Checks(screen, locale)
    for viewport, size in VIEWPORTS.items():
        shown.page.set_viewport_size(size)
        with checks.check("accessibility"):
            check_accessibility(shown.page, screen, locale, viewport)
        with checks.check(f"{viewport} viewport"):
            expect_screenshot(shown.page, f"{screen}-{locale}-{viewport}", mask=shown.masks, full_page=True)
    return checks


def reach(screen: str, visit: Visit) -> Shown:
    """Reach ``screen`` in the visit's language and let it settle."""
    shown = SCREENS[screen](visit)
    settle(shown.page)
    return shown


__all__ = ["LOCALES", "SCREENS", "VIEWPORTS", "Checks", "Shown", "Visit", "look_at_each_viewport", "reach"]

"""Where a portal keeps the screens a page object opens by address, below its base URL.

The workflow itself follows the menus, as a person does, and needs no address but the Dashboard's. The ``open``
shortcuts (``AccountPage(page).open(customer_id)``...) go straight to a screen's address, laid out as the bundled
portal lays them out. A deployment that lays them out otherwise (Partner Center keeps Customers under
``/commerce/``) is told with ``use_screen_addresses`` or ``$PORTAL_SCREEN_ADDRESSES``, the same text:
``customer=commerce/customers/{id},account=commerce/customers/{id}/account,edit=`` (``{id}``: the customer's
Microsoft ID; an empty ``edit``: the form has no address of its own, and is opened with the Account page's Edit).
"""

from __future__ import annotations

import dataclasses
import os
import urllib.parse
from dataclasses import dataclass

ADDRESSES_VARIABLE = "PORTAL_SCREEN_ADDRESSES"
CUSTOMER_ID = "{id}"


@dataclass(frozen=True)
class ScreenAddresses:
    """Each screen's address below the base URL; ``{id}`` stands for the customer's Microsoft ID."""

    dashboard: str = "dashboard"
    customers: str = "customers"
    customer: str = "customers/{id}"
    account: str = "customers/{id}/account"
    edit: str = "customers/{id}/account/edit"  # "": no address of its own (opened with the Account page's Edit)

    def __post_init__(self) -> None:
        for screen, address in dataclasses.asdict(self).items():
            if not isinstance(address, str):
                raise TypeError(f"the {screen} screen's address is a str: not {type(address).__name__}")
            needs_id = screen in ("customer", "account", "edit") and (address or screen != "edit")
            if needs_id and address.count(CUSTOMER_ID) != 1:
                raise ValueError(f"the {screen} screen's address {address!r} must hold {CUSTOMER_ID} once")
            if any(brace in address.replace(CUSTOMER_ID, "") for brace in "{}"):
                raise ValueError(f"the {screen} screen's address {address!r} holds braces other than {CUSTOMER_ID}")
            if screen in ("dashboard", "customers") and not address:
                raise ValueError(f"the {screen} screen's address is empty: the page objects go there by it")
            if address.startswith("/") or "://" in address:  # it would leave a base URL's own path behind
                raise ValueError(
                    f"the {screen} screen's address {address!r} is below the base URL: without a leading /"
                )

    @classmethod
    def parse(cls, text: str) -> ScreenAddresses:
        """Read ``screen=address`` pairs separated by commas; screens not named keep the bundled portal's."""
        names = [field.name for field in dataclasses.fields(cls)]
        given: dict[str, str] = {}
        for pair in filter(None, (part.strip() for part in text.split(","))):
            screen, equals, address = pair.partition("=")
            if not equals or screen.strip() not in names:
                raise ValueError(f"{pair!r} is not SCREEN=ADDRESS with SCREEN one of {', '.join(names)}")
            given[screen.strip()] = address.strip()
        return cls(**given)

    def of(self, screen: str, customer_id: str = "") -> str:
        """Return ``screen``'s address, for the customer ``customer_id`` where it names one."""
        address: str = getattr(self, screen)
        return address.replace(CUSTOMER_ID, urllib.parse.quote(customer_id, safe=""))


_chosen: ScreenAddresses | None = None


def use_screen_addresses(addresses: ScreenAddresses | str | None) -> None:
    """Open screens by ``addresses`` from now on, in this process (None: ``$PORTAL_SCREEN_ADDRESSES``'s, or else
    the bundled portal's). A ``str`` is read as ``ScreenAddresses.parse`` reads it."""
    global _chosen
    _chosen = ScreenAddresses.parse(addresses) if isinstance(addresses, str) else addresses


def screen_addresses() -> ScreenAddresses:
    """Return where the page objects open screens: as chosen, else as ``$PORTAL_SCREEN_ADDRESSES`` says."""
    if _chosen is not None:
        return _chosen
    text = os.environ.get(ADDRESSES_VARIABLE, "")
    try:
        return ScreenAddresses.parse(text)
    except ValueError as error:
        raise ValueError(f"${ADDRESSES_VARIABLE}: {error}") from None

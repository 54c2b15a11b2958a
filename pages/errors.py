"""Errors a flow raises when the portal says what went wrong, so scripts can catch them."""

from __future__ import annotations

from collections.abc import Mapping


class PortalError(Exception):
    """Base of every error the flows raise for something the portal refused or reported."""


class SignInError(PortalError):
    """The portal refused the user name or password."""


class CustomerNotFoundError(PortalError):
    """No customer with that company name is in the list."""

    def __init__(self, company_name: str) -> None:
        super().__init__(f"No customer named {company_name!r} in the Customers list")
        self.company_name = company_name


class NotAllowedError(PortalError):
    """The signed-in user's role may not do this (the portal offers no Edit)."""


class EditConflictError(PortalError):
    """Someone changed the billing profile after the form was opened; nothing was saved."""


class ValidationError(PortalError):
    """The portal refused the changes; ``field_errors`` maps each API field name to its message."""

    def __init__(self, field_errors: Mapping[str, str], message: str = "") -> None:
        details = "; ".join(f"{field}: {text}" for field, text in field_errors.items())
        super().__init__(f"The portal refused the changes: {details or message}")
        self.field_errors = dict(field_errors)

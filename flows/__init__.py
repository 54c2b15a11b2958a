"""Flows: the documented steps of Partner Center's customer account workflow, for tests and scripts."""

from .account import open_customer, sign_in, update_customer_account
from .errors import (
    CustomerNotFoundError,
    EditConflictError,
    NotAllowedError,
    PortalError,
    SignInError,
    ValidationError,
)

__all__ = [
    "CustomerNotFoundError",
    "EditConflictError",
    "NotAllowedError",
    "PortalError",
    "SignInError",
    "ValidationError",
    "open_customer",
    "sign_in",
    "update_customer_account",
]

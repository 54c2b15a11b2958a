"""Flows: the documented steps of Partner Center's customer account workflow, for tests and scripts.

from flows import portal_session, update_customer_account

with portal_session("http://127.0.0.1:8000/", "global-admin", "portal-demo") as page:
    profile = update_customer_account(page, "Contoso", {"city": "Shanghai", "postalCode": "200000"})
"""

from pages import (
    AccountInfo,
    BillingProfile,
    CustomerNotFoundError,
    EditConflictError,
    MfaRequiredError,
    NewCustomer,
    NotAllowedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    SignedOutError,
    SignInError,
    ValidationError,
)

from .account import (
    add_customer,
    edit_account,
    open_customer,
    open_customers,
    submit_changes,
    update_customer_account,
)
from .browser import BrowserNotFoundError, RemoteBrowserError
from .session import portal_session
from .sign_in import complete_sign_in, sign_in

__all__ = [
    "AccountInfo",
    "BillingProfile",
    "BrowserNotFoundError",
    "CustomerNotFoundError",
    "EditConflictError",
    "MfaRequiredError",
    "NewCustomer",
    "NotAllowedError",
    "PageError",
    "PortalError",
    "PortalUnavailableError",
    "RemoteBrowserError",
    "SignInError",
    "SignedOutError",
    "ValidationError",
    "add_customer",
    "complete_sign_in",
    "edit_account",
    "open_customer",
    "open_customers",
    "portal_session",
    "sign_in",
    "submit_changes",
    "update_customer_account",
]

"""Flows: the documented steps of Partner Center's customer account workflow, for tests and scripts.

from flows import portal_session, update_customer_account

with portal_session("http://127.0.0.1:8000/", "global-admin", "portal-demo", totp_secret="PORTALDEMOTOTP23") as page:
    profile = update_customer_account(page, "Contoso", {"city": "Shanghai", "postalCode": "200000"})

The sign-in answers the identity provider's verification code from ``totp_secret`` (else
``$PORTAL_TOTP_SECRET``): without either, ``MfaRequiredError``. A page belongs to the thread that opened it.
"""

from pages import (
    EDITABLE_FIELDS,
    AccountInfo,
    AmbiguousCustomerError,
    BillingProfile,
    BlockedPortError,
    ConfirmationAskedError,
    CustomerNotFoundError,
    EditConflictError,
    MfaRequiredError,
    NewCustomer,
    NotAllowedError,
    PageCrashedError,
    PageError,
    PortalError,
    PortalUnavailableError,
    ReadBackError,
    ScreenLeftError,
    SignedOutError,
    SignInError,
    SignInInterruptedError,
    SignInStalledError,
    SignInWindowError,
    ThrottledError,
    UnknownPageError,
    UntrustedCertificateError,
    ValidationError,
    WrongThreadError,
    sign_out,
)

from .account import (
    add_customer,
    edit_account,
    open_customer,
    open_customers,
    submit_changes,
    update_customer_account,
)
from .accounts_job import InvalidRowsError, update_accounts
from .browser import BrowserNotFoundError, RemoteBrowserError
from .input_lock import InputInUseError
from .journal import JournalElsewhereError, JournalInUseError, JournalMismatchError
from .outcomes import OUTCOMES, RowOutcome
from .rest import (
    ApiError,
    ApiThrottledError,
    ApiUnavailableError,
    NotApiAnswerError,
    PortalClient,
    RefreshTokenRefusedError,
    TokenWithoutMfaError,
    refresh_token_source,
)
from .saved_sign_in import SavedSignInError, saved_token_source
from .session import portal_session
from .sign_in import ClockOffError, complete_sign_in, sign_in
from .spreadsheet import AccountRow, SpreadsheetError, read_rows, write_results

__all__ = [
    "EDITABLE_FIELDS",
    "OUTCOMES",
    "AccountInfo",
    "AccountRow",
    "AmbiguousCustomerError",
    "ApiError",
    "ApiThrottledError",
    "ApiUnavailableError",
    "BillingProfile",
    "BlockedPortError",
    "BrowserNotFoundError",
    "ClockOffError",
    "ConfirmationAskedError",
    "CustomerNotFoundError",
    "EditConflictError",
    "InputInUseError",
    "InvalidRowsError",
    "JournalElsewhereError",
    "JournalInUseError",
    "JournalMismatchError",
    "MfaRequiredError",
    "NewCustomer",
    "NotAllowedError",
    "NotApiAnswerError",
    "PageCrashedError",
    "PageError",
    "PortalClient",
    "PortalError",
    "PortalUnavailableError",
    "ReadBackError",
    "RefreshTokenRefusedError",
    "RemoteBrowserError",
    "RowOutcome",
    "SavedSignInError",
    "ScreenLeftError",
    "SignInError",
    "SignInInterruptedError",
    "SignInStalledError",
    "SignInWindowError",
    "SignedOutError",
    "SpreadsheetError",
    "ThrottledError",
    "TokenWithoutMfaError",
    "UnknownPageError",
    "UntrustedCertificateError",
    "ValidationError",
    "WrongThreadError",
    "add_customer",
    "complete_sign_in",
    "edit_account",
    "open_customer",
    "open_customers",
    "portal_session",
    "read_rows",
    "refresh_token_source",
    "saved_token_source",
    "sign_in",
    "sign_out",
    "submit_changes",
    "update_accounts",
    "update_customer_account",
    "write_results",
]

"""Page objects for the customer account workflow of Partner Center operated by 21Vianet."""

from .account import AccountEditPage, AccountPage, AddCustomerPage
from .addresses import ScreenAddresses, screen_addresses, use_screen_addresses
from .customer import CustomerPage
from .customers import CustomersPage
from .dashboard import DashboardPage
from .errors import (
    AmbiguousCustomerError,
    BlockedPortError,
    ConfirmationAskedError,
    CustomerNotFoundError,
    EditConflictError,
    MfaRequiredError,
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
)
from .models import EDITABLE_FIELDS, AccountInfo, BillingProfile, NewCustomer
from .sign_in import SignInPage
from .sign_out import sign_out

__all__ = [
    "EDITABLE_FIELDS",
    "AccountEditPage",
    "AccountInfo",
    "AccountPage",
    "AddCustomerPage",
    "AmbiguousCustomerError",
    "BillingProfile",
    "BlockedPortError",
    "ConfirmationAskedError",
    "CustomerNotFoundError",
    "CustomerPage",
    "CustomersPage",
    "DashboardPage",
    "EditConflictError",
    "MfaRequiredError",
    "NewCustomer",
    "NotAllowedError",
    "PageCrashedError",
    "PageError",
    "PortalError",
    "PortalUnavailableError",
    "ReadBackError",
    "ScreenAddresses",
    "ScreenLeftError",
    "SignInError",
    "SignInInterruptedError",
    "SignInPage",
    "SignInStalledError",
    "SignInWindowError",
    "SignedOutError",
    "ThrottledError",
    "UnknownPageError",
    "UntrustedCertificateError",
    "ValidationError",
    "WrongThreadError",
    "screen_addresses",
    "sign_out",
    "use_screen_addresses",
]

"""Page objects for the customer account workflow of Partner Center operated by 21Vianet."""

from .account import AccountEditPage, AccountPage
from .customers import CustomerPage, CustomersPage
from .dashboard import DashboardPage
from .models import EDITABLE_FIELDS, BillingProfile
from .sign_in import SignInPage

__all__ = [
    "EDITABLE_FIELDS",
    "AccountEditPage",
    "AccountPage",
    "BillingProfile",
    "CustomerPage",
    "CustomersPage",
    "DashboardPage",
    "SignInPage",
]

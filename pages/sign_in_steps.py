"""What the identity provider's sign-in steps look like, as Microsoft Entra ID draws them: their headings, fields
and words in the three languages, and what shows that a page asks to sign in (``pages.sign_in`` answers them)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from .strings import SIGN_IN_STRINGS, VARIANTS, alternatives, any_language

# Where a provider sends the browser back to the app: a code and a state in the address, or a form posted to the
# app's callback (ASP.NET's /signin-oidc; /callback, /auth/callback...), with no error the provider named.
CALLBACK_PATH = re.compile(r"/(?:signin-oidc|[\w.-]*callback)/?$", re.IGNORECASE)
# The words of an error page under its main heading (the reason: "mismatching_state"), on one line.
WORDS_UNDER_HEADING = """() => {
  const main = document.querySelector('main, [role="main"]') || document.body;
  if (!main) return "";
  const heading = main.querySelector('h1, [role="heading"][aria-level="1"]');
  let text = main.innerText || "";
  if (heading && heading.innerText) text = text.replace(heading.innerText, "");
  return text.split(/\\s+/).join(" ").trim().slice(0, 200);
}"""


def handed_back(url: str) -> bool:
    """Whether ``url`` is the app's callback, which the provider sent the browser back to with a sign-in (no error)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "error" in query:  # the provider's own refusal (access_denied...), passed on
        return False
    return ("code" in query and "state" in query) or bool(CALLBACK_PATH.search(parts.path))


STEP_HEADINGS = {
    "account": "sign_in",
    "password": "enter_password",
    "code": "enter_code",
    "stay_signed_in": "stay_signed_in",
    "registration": "mfa_registration",
    "approval": "approve_request",
    "method_choice": "verify_identity",
    # Pages that end the sign-in: no answer of the library's can go on from them (consent is never given for anyone).
    "password_change": "update_password",
    "access_blocked": "access_blocked",
    "admin_approval": "admin_approval",
    "consent": "consent",
    "account_locked": "account_locked",
}
# The account step's other form, answered with the same account name: "Pick an account".
PICK_ACCOUNT_HEADING = "pick_account"
# Where a tile may be: Entra draws them as divs made focusable, others as buttons or links.
FOCUSABLE = "[tabindex]:not([tabindex^='-'])"
TILES_SAID = 6  # at most, in the error for a "Pick an account" with neither tile the library takes
# How long a page may show no step before it is asked whether it is an error page (then said at once).
ERROR_PAGE_PROBE_MS = 1_000
# How long a step's button may take to show beside its field (drawn late), before the step is said to have none.
BUTTON_GRACE_MS = 5_000
# What submits a form: a step's button renamed is still the one of these its form holds.
FORM_SUBMIT = "button[type=submit], button:not([type]), input[type=submit], input[type=image]"
# Each shown button's name as a person reads it: a label, a value (an input's), or its words.
BUTTON_NAMES = """buttons => buttons.filter(b => b.checkVisibility ? b.checkVisibility() : b.offsetParent)
  .map(b => (b.getAttribute("aria-label") || (b.tagName === "INPUT" && b.value) || b.innerText || "")
    .split(/\\s+/).join(" ").trim())"""
AADSTS_CODE = re.compile(r"\bAADSTS\d{5,}")  # an error of Entra ID, as its error pages quote it
# Fields a person can type in: not those drawn off-screen for a password manager to fill (hidden from assistive
# technology, out of the tab order), which a page of one password may hold beside it, nor the account's name shown
# read-only beside a step's field.
TYPEABLE = ":not([aria-hidden=true], [tabindex^='-'], [readonly], :disabled)"
# The inputs a verification code may be typed into, where none is named as the code's.
TEXT_BOXES = f"input:is([type=tel], [type=text], [type=number], :not([type])){TYPEABLE}"
PASSWORD_BOXES = f"input[type=password]{TYPEABLE}"
# "Enter code" for a code the provider sent (a text message, an email: "We texted your phone +X XXXXXXX12"),
# which no authenticator's code answers: the account's default method is not the app.
CODE_SENT = re.compile(
    r"\btexted\b|\bSMS\b|text message|\bemailed\b|\bsent (?:you )?(?:a|the) (?:verification )?code\b"
    r"|envoyé un (?:SMS|code|e-?mail|courriel)|短信|电子邮件",
    re.IGNORECASE,
)
# Steps that ask for what a person knows or has: shown again right after their answer, it was refused, even
# where the field is not marked invalid (Entra's way: an alert under it).
ANSWERED_STEPS = ("account", "password", "code")
# Steps that ask for a push to be approved, or how to verify: with a TOTP secret, the code is chosen there.
MFA_CHOICE_STEPS = ("approval", "method_choice")
# The messages an invalid field points at (aria-describedby), those the page has: Entra names more ids than it shows.
DESCRIBED_BY = """input => (input.getAttribute("aria-describedby") || "").split(/\\s+/)
  .map(id => id && document.getElementById(id)).filter(Boolean)
  .map(node => node.innerText.trim()).filter(Boolean).join(" ")"""
ANY_STEP_HEADING = re.compile(
    "|".join(any_language(key, "sign-in").pattern for key in [*STEP_HEADINGS.values(), PICK_ACCOUNT_HEADING]),
    re.DOTALL | re.IGNORECASE,
)


def option_text(*keys: str) -> re.Pattern[str]:
    """Return a pattern matching an option that starts with the words for ``keys`` in any language, or a known
    variant (older pages go on after them), written with either apostrophe (as ``alternatives`` writes every string)."""
    words = alternatives(tuple(s for key in keys for s in SIGN_IN_STRINGS[key] + VARIANTS["sign-in"].get(key, ())))
    return re.compile(rf"^\s*(?:{words})")


def says(message: str, key: str) -> bool:
    """Return whether the provider's ``message`` says the words for ``key`` in any language, anywhere in it."""
    words = alternatives(SIGN_IN_STRINGS[key])
    return re.search(words, " ".join(message.split()), re.IGNORECASE) is not None


def address_of(account: str) -> re.Pattern[str]:
    """Return a pattern matching, in any case, the address a tile shows for ``account``: the address
    itself, or for a user name without a domain, that name at any domain."""
    any_domain = "" if "@" in account else r"@[^\s@]+"
    return re.compile(rf"^\s*{re.escape(account.strip())}{any_domain}\s*$", re.IGNORECASE)


def buttons_said(page: Page) -> str:
    """Return the names of the buttons ``page`` shows, each quoted once, for an error's message ("none": none)."""
    try:
        said = page.get_by_role("button").evaluate_all(BUTTON_NAMES)  # one read: no wait
    except PlaywrightError:  # navigating on: nothing to quote
        return "none"
    return ", ".join(repr(text) for text in dict.fromkeys(map(str, said)) if text) or "none"


def tiles_said(tiles: Locator) -> list[str]:
    """Return what the ``tiles`` shown say, each on one line and once, for an error's message."""
    try:
        # Read in one call: a tile gone between a count and its read would be waited for the whole timeout.
        texts = [" ".join(text.split()) for text in tiles.filter(visible=True).all_inner_texts()]
    except PlaywrightError:  # navigating on: nothing to quote
        return []
    return list(dict.fromkeys(text for text in texts if text))[:TILES_SAID]


def provider_step(page: Page) -> Locator:
    """Return a step of the identity provider's shown in ``page``: its main heading (not a portal's Sign in)."""
    return page.get_by_role("heading", level=1, name=ANY_STEP_HEADING)


def sign_in_shown(page: Page) -> Locator:
    """Return what shows that ``page`` asks to sign in: a step of the provider's, or the portal's Sign in."""
    portal_button = page.get_by_role("button", name=any_language("sign_in"))  # "you signed out", "session ended"
    return provider_step(page).or_(portal_button)

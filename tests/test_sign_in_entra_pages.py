"""The verification steps marked up as Entra ID marks them: a refused code, a push to approve, a choice of method.

Served through routes at a provider of their own, so each test controls every answer and counts the codes the
browser posted: Entra says a code is refused in an alert under the field (not marked invalid), and a lockout or
an expired code must end the sign-in at once, with the provider's words. The wait for the authenticator's next
code is replaced by a count of the waits.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from urllib.parse import parse_qs

import pyotp
import pytest
from playwright.sync_api import Page, Route
from test_sign_in_markup import PROVIDER, serve

from flows import MfaRequiredError, SignInError, complete_sign_in

pytestmark = pytest.mark.tooling  # the library against pages of its own: no portal

sign_in_flow = importlib.import_module("flows.sign_in")  # the module: ``flows.sign_in`` is also the function
SECRET = "PORTALDEMOTOTP23"
DONE = '<!doctype html><html lang="en"><nav aria-label="Dashboard"><a href="/customers">Customers</a></nav></html>'
SIGN_IN_HEADING = '<div role="heading" aria-level="1">Sign in</div>'
WORDS = {
    "en-US": {
        "enter_code": "Enter code", "code": "Code", "verify": "Verify",
        "wrong": "You didn't enter the expected verification code. Please try again.",
        "expired": "That code has expired. Enter the current code from your app.",
        "locked": "Your account is temporarily locked to prevent unauthorized use. Try again later, and if you "
                  "still have trouble, contact your admin.",
        "approve": "Approve sign in request", "other_way": "I can't use my Microsoft Authenticator app right now",
        "choose": "Verify your identity", "use_app": "Approve a request on my Microsoft Authenticator app",
        "use_code": "Use a verification code",
    },
    "fr-FR": {
        "enter_code": "Entrez le code", "code": "Code", "verify": "Vérifier",
        "wrong": "Vous n’avez pas entré le code de vérification attendu. Réessayez.",
        "expired": "Ce code a expiré. Entrez le code actuel de votre application.",
        "locked": "Votre compte est temporairement verrouillé pour empêcher toute utilisation non autorisée. "
                  "Réessayez plus tard.",
        "approve": "Approuver la demande de connexion",
        "other_way": "Je ne peux pas utiliser mon application Microsoft Authenticator pour le moment",
        "choose": "Vérifier votre identité",
        "use_app": "Approuver une demande sur mon application Microsoft Authenticator",
        "use_code": "Utiliser un code de vérification",
    },
    "zh-CN": {
        "enter_code": "输入代码", "code": "代码", "verify": "验证",
        "wrong": "你未输入预期的验证码。请重试。", "expired": "该代码已过期。请输入应用中的当前代码。",
        "locked": "你的帐户已暂时锁定，以防止未经授权的使用。请稍后重试。",
        "approve": "批准登录请求", "other_way": "以其他方式登录",
        "choose": "验证你的身份", "use_app": "在我的 Microsoft Authenticator 应用上批准请求", "use_code": "使用验证码",
    },
}  # fmt: skip


def code_step(locale: str = "en-US", error: str = "") -> str:
    """Entra's "Enter code": a refusal in an alert under the field, which is not marked invalid."""
    words = WORDS[locale]
    return f"""<!doctype html><html lang="{locale}"><main>
<div role="heading" aria-level="1">{words["enter_code"]}</div>
<form method="post" action="/code">
  <div role="alert" aria-live="assertive"><div id="idSpan_SAOTCC_Error_OTC">{error}</div></div>
  <input name="otc" type="tel" maxlength="6" aria-label="{words["code"]}" aria-describedby="idDiv_SAOTCC_Title">
  <input type="submit" value="{words["verify"]}">
</form></main></html>"""


def method_choice(locale: str = "en-US") -> str:
    """Entra's "Verify your identity": a focusable div per method; the code's draws "Enter code" in place."""
    words = WORDS[locale]
    return f"""<div role="heading" aria-level="1">{words["choose"]}</div>
<div role="list">
  <div role="listitem"><div role="button" tabindex="0" onclick="location.assign('/push')">
    <div class="table-cell"><img role="presentation" alt=""></div><div>{words["use_app"]}</div></div></div>
  <div role="listitem"><div role="button" tabindex="0"
    onclick="document.querySelector('main').innerHTML = document.getElementById('code').innerHTML">
    <div class="table-cell"><img role="presentation" alt=""></div><div>{words["use_code"]}</div></div></div>
</div><template id="code">{code_step(locale).split("<main>")[1].split("</main>")[0]}</template>"""


SENT = {
    "en-US": "We texted your phone +X XXXXXXXX12. Please enter the code to sign in.",
    "fr-FR": "Nous avons envoyé un SMS à votre téléphone +X XXXXXXXX12. Entrez le code pour vous connecter.",
    "zh-CN": "我们已向你的电话 +X XXXXXXXX12 发送短信。请输入代码以登录。",
}


def texted_code_step(locale: str = "en-US", other_way: bool = True) -> str:
    """Entra's "Enter code" for a code it texted (the account's default method), posted elsewhere than the app's, with
    "Sign in another way" drawing the choice of method in place."""
    words = WORDS[locale]
    link = f"""<a id="signInAnotherWay" href="#" onclick="event.preventDefault();
  document.querySelector('main').innerHTML = document.getElementById('choice').innerHTML">{words["other_way"]}</a>
<template id="choice">{method_choice(locale)}</template>"""
    return f"""<!doctype html><html lang="{locale}"><main>
<div role="heading" aria-level="1">{words["enter_code"]}</div><div id="idDiv_SAOTCC_Description">{SENT[locale]}</div>
<form method="post" action="/texted">
  <input name="otc" type="tel" maxlength="6" aria-label="{words["code"]}">
  <input type="submit" value="{words["verify"]}">
</form>{link if other_way else ""}</main></html>"""


def approval(locale: str = "en-US", other_way: str | None = None) -> str:
    """Entra's "Approve sign in request": a number to match on the phone, and a link that draws the choice in place."""
    words = WORDS[locale]
    return f"""<!doctype html><html lang="{locale}"><main>
<div role="heading" aria-level="1">{words["approve"]}</div>
<div id="idRichContext_DisplaySign">42</div>
<a id="signInAnotherWay" href="#" onclick="event.preventDefault();
  document.querySelector('main').innerHTML = document.getElementById('choice').innerHTML">
  {other_way or words["other_way"]}</a>
<template id="choice">{method_choice(locale)}</template></main></html>"""


def code_answers(refusals: list[str | None], locale: str = "en-US") -> tuple[Callable[[Route], None], list[str]]:
    """Return a handler answering each posted code in turn with a refusal (the last one again once they run
    out) or, for None, the signed-in page; and the list of the codes posted."""
    posted: list[str] = []

    def answer(route: Route) -> None:
        posted.append(parse_qs(route.request.post_data or "").get("otc", [""])[0])
        refusal = refusals[min(len(posted), len(refusals)) - 1]
        body = DONE if refusal is None else code_step(locale, refusal)
        route.fulfill(content_type="text/html; charset=utf-8", body=body)

    return answer, posted


def authenticator_s(codes: list[str]) -> bool:
    """Whether each code is one the authenticator of ``SECRET`` showed or shows within two steps of now (the library
    types the next step's code after a refusal), and none is typed twice: a code made up, or one again, is not."""
    totp = pyotp.TOTP(SECRET)
    return len(set(codes)) == len(codes) > 0 and all(totp.verify(code, valid_window=2) for code in codes)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Count the waits for the authenticator's next code instead of waiting (up to 30 s each)."""
    counted: list[None] = []
    monkeypatch.setattr(sign_in_flow, "wait_for_next_code", lambda: counted.append(None))
    return counted


def test_a_code_refused_in_an_alert_is_followed_by_the_next_codes_then_quoted(page: Page, waits: list[None]) -> None:
    # Given a provider that refuses every code in an alert under the field, the field not marked invalid
    words = WORDS["en-US"]["wrong"]
    answer, posted = code_answers([words])
    serve(page, {"/code": code_step(), "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in
    with pytest.raises(SignInError) as refused:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it tried the codes it documents (another sign-in may have used one), then quoted the provider
    assert words in str(refused.value)
    assert len(posted) == sign_in_flow.MAX_CODES and len(waits) == 2


def test_a_code_refused_in_an_alert_then_the_next_accepted_signs_in(page: Page, waits: list[None]) -> None:
    # Given a provider that refuses the first code (another sign-in of the user just used it), then takes the next
    answer, posted = code_answers([WORDS["en-US"]["wrong"], None])
    serve(page, {"/code": code_step(), "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in, then it is signed in with the next code, at once
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert len(posted) == 2 and authenticator_s(posted) and not waits, posted


@pytest.mark.parametrize("locale", WORDS)
def test_a_lockout_at_the_code_step_ends_the_sign_in_at_once(page: Page, waits: list[None], locale: str) -> None:
    # Given a provider that refuses a code, then says the account is locked
    words = WORDS[locale]
    answer, posted = code_answers([words["wrong"], words["locked"]], locale)
    serve(page, {"/code": code_step(locale), "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in
    with pytest.raises(SignInError) as refused:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then the lockout is the error, and no code followed it
    assert words["locked"] in str(refused.value)
    assert len(posted) == 2 and authenticator_s(posted) and not waits, posted


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_an_expired_code_is_followed_by_the_next_one_only(page: Page, waits: list[None], locale: str) -> None:
    # Given a provider that says every code has expired (this machine's clock behind the provider's)
    words = WORDS[locale]["expired"]
    answer, posted = code_answers([words], locale)
    serve(page, {"/code": code_step(locale), "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in
    with pytest.raises(SignInError) as refused:
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it tried the next code, at once, and then quoted the provider: waiting cannot set a clock right
    assert words in str(refused.value) and "clock" in str(refused.value)
    assert len(posted) == 2 and authenticator_s(posted) and not waits, posted


@pytest.mark.parametrize("locale", WORDS)
def test_with_a_secret_the_method_choice_is_answered_with_a_code(page: Page, locale: str) -> None:
    # Given a provider that asks how to verify: approve a push, or use a verification code
    answer, posted = code_answers([None])
    choice = f'<!doctype html><html lang="{locale}"><main>{method_choice(locale)}</main></html>'
    asked = serve(page, {"/login": choice, "POST /code": answer})
    page.goto(PROVIDER + "login")

    # When the library signs in with the authenticator's secret
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it chose the code and signed in with one, never asking for a push
    assert len(posted) == 1 and authenticator_s(posted) and "/push" not in asked, posted


@pytest.mark.parametrize(
    ("locale", "other_way"),
    [
        pytest.param("en-US", None, id="cant-use-the-app"),
        pytest.param("en-US", "Sign in another way", id="sign-in-another-way"),
        pytest.param("fr-FR", None, id="fr"),
        pytest.param("zh-CN", None, id="zh"),
    ],
)
def test_with_a_secret_a_push_to_approve_is_left_for_a_code(page: Page, locale: str, other_way: str | None) -> None:
    # Given a provider that asks to approve the sign-in on the phone, with a link to other ways to verify
    answer, posted = code_answers([None])
    asked = serve(page, {"/login": approval(locale, other_way), "POST /code": answer})
    page.goto(PROVIDER + "login")

    # When the library signs in with the authenticator's secret
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then it took the link, chose the code and signed in with one
    assert len(posted) == 1 and authenticator_s(posted) and "/push" not in asked, posted


@pytest.mark.parametrize("locale", WORDS)
def test_with_a_secret_a_code_texted_to_a_phone_is_left_for_the_authenticator_s(page: Page, locale: str) -> None:
    # Given a provider that texted a code to the account's phone (its default method), and offers other ways
    answer, posted = code_answers([None])
    asked = serve(page, {"/login": texted_code_step(locale), "POST /code": answer})
    page.goto(PROVIDER + "login")

    # When the library signs in with the authenticator's secret
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)

    # Then no code was typed where the texted one is asked: it chose the authenticator's and signed in with one
    assert len(posted) == 1 and authenticator_s(posted) and "/texted" not in asked, posted


def test_a_texted_code_with_no_other_way_is_mfa_required_at_once(page: Page) -> None:
    # Given a provider that texted a code to the account's phone and offers no other way
    asked = serve(page, {"/login": texted_code_step(other_way=False)})
    page.goto(PROVIDER + "login")

    # When the library signs in with the authenticator's secret
    # Then it says no script can read the text, having typed nothing
    with pytest.raises(MfaRequiredError, match="by text message or email"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert "/texted" not in asked


@pytest.mark.parametrize(
    "shown",
    [
        pytest.param(approval(), id="approval"),
        pytest.param(f"<!doctype html><main>{method_choice()}</main>", id="method-choice"),
    ],
)
def test_without_a_secret_a_push_or_a_choice_raises_mfa_required_naming_the_secret(
    page: Page, monkeypatch: pytest.MonkeyPatch, shown: str
) -> None:
    # Given a provider that asks to approve a push, or how to verify, and no secret anywhere
    monkeypatch.delenv(sign_in_flow.TOTP_SECRET_VARIABLE, raising=False)
    asked = serve(page, {"/login": shown})
    page.goto(PROVIDER + "login")
    heading = page.get_by_role("heading", level=1).inner_text()

    # When the library signs in, then it says at once what would answer it, having selected nothing
    with pytest.raises(MfaRequiredError, match=r"totp_secret=\.\.\., or \$PORTAL_TOTP_SECRET"):
        complete_sign_in(page, "agent@contoso.test", "a-password")
    assert page.get_by_role("heading", level=1).inner_text() == heading and asked == ["/login"]


CODE_FIELDS_NAMED_OTHERWISE = {
    "placeholder": ("zh-CN", '<input name="idTxtBx_SAOTCC_OTC" type="tel" maxlength="6" placeholder="代码">'),
    "one-time-code": ("fr-FR", '<input name="code" autocomplete="one-time-code" aria-label="Code à 6 chiffres">'),
    "only-text-box": ("en-US", '<input name="otp" inputmode="numeric" aria-label="Enter the 6-digit code">'),
}


@pytest.mark.parametrize(("locale", "field"), CODE_FIELDS_NAMED_OTHERWISE.values(), ids=CODE_FIELDS_NAMED_OTHERWISE)
def test_a_code_field_named_otherwise_is_answered_once(page: Page, locale: str, field: str) -> None:
    # Given Entra's "Enter code" whose six-digit field is neither named otc nor labelled "Code"
    name = field.split('"')[1]
    otc = f'<input name="otc" type="tel" maxlength="6" aria-label="{WORDS[locale]["code"]}"'
    step = code_step(locale).replace(otc, field.removesuffix(">"))
    assert otc not in step
    posted: list[dict[str, list[str]]] = []

    def answer(route: Route) -> None:
        posted.append(parse_qs(route.request.post_data or ""))
        route.fulfill(content_type="text/html; charset=utf-8", body=DONE)

    serve(page, {"/code": step, "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in, then it typed one code into that field, once
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert len(posted) == 1 and authenticator_s(posted[0][name]), posted


def posted_to(page: Page, path: str, step: str) -> list[dict[str, list[str]]]:
    """Serve ``step`` at ``path`` and the signed-in page as the answer to its form; return what the form posted."""
    posted: list[dict[str, list[str]]] = []

    def answer(route: Route) -> None:
        posted.append(parse_qs(route.request.post_data or ""))
        route.fulfill(content_type="text/html; charset=utf-8", body=DONE)

    serve(page, {path: step, f"POST {path}": answer})
    page.goto(PROVIDER + path.lstrip("/"))
    return posted


OTC = '<input name="otc" type="tel" maxlength="6" aria-label="Code" aria-describedby="idDiv_SAOTCC_Title">'
DRAWN_LATE = """<span id="late"></span><script>setTimeout(() => {
  document.getElementById("late").outerHTML = '<input name="otc" type="tel" maxlength="6" aria-label="Code">';
}, %d)</script>"""
CODE_FIELDS_DRAWN_LATE = {
    # The field drawn after its Verify, past the moment a step is given to show its field
    "after-its-button": "",
    # ... beside the account's name, shown read-only in a text box: no box to type the code into
    "beside-a-read-only-box": '<input type="text" readonly value="agent@contoso.test" aria-label="Account">',
}


@pytest.mark.parametrize("beside", CODE_FIELDS_DRAWN_LATE.values(), ids=CODE_FIELDS_DRAWN_LATE)
def test_a_code_field_drawn_after_its_verify_button_is_answered(page: Page, beside: str) -> None:
    # Given Entra's "Enter code" whose field comes 2.5 s after its heading and its Verify button
    step = code_step().replace(OTC, beside + DRAWN_LATE % 2_500)
    assert OTC not in step
    posted = posted_to(page, "/code", step)

    # When the library signs in, then it waited for the field and typed the code there, once
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert len(posted) == 1 and authenticator_s(posted[0]["otc"]), posted


def test_a_code_refused_on_a_page_drawing_its_field_late_is_followed_by_the_next_code(
    page: Page, waits: list[None]
) -> None:
    # Given a provider that refuses the first code in an alert on a page whose field comes 2.5 s after its Verify
    # button (the alert shown at once, beside it), then takes the next code
    refused = code_step(error=WORDS["en-US"]["wrong"]).replace(OTC, DRAWN_LATE % 2_500)
    posted: list[str] = []

    def answer(route: Route) -> None:
        posted.append(parse_qs(route.request.post_data or "").get("otc", [""])[0])
        route.fulfill(content_type="text/html; charset=utf-8", body=refused if len(posted) == 1 else DONE)

    serve(page, {"/code": code_step(), "POST /code": answer})
    page.goto(PROVIDER + "code")

    # When the library signs in, then the alert was taken for the refusal it is, not for an error page: the next
    # code went into the field once it showed, and the sign-in ended
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert len(posted) == 2 and authenticator_s(posted), posted
    assert page.get_by_role("navigation", name="Dashboard").is_visible() and not waits


def test_a_code_step_of_a_box_per_digit_says_so_at_once(page: Page) -> None:
    # Given an "Enter code" drawing a text box per digit, none named as the code's
    boxes = "".join(f'<input name="d{i}" type="tel" maxlength="1" aria-label="Digit {i}">' for i in range(1, 7))
    asked = serve(page, {"/code": code_step().replace(OTC, boxes)})
    page.goto(PROVIDER + "code")

    # When the library signs in, then it says which boxes it found, typing nothing
    with pytest.raises(SignInError, match="code step with 6 text boxes, none named as the code's"):
        complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert asked == ["/code"]
    assert all(not box.input_value() for box in page.locator("input[type=tel]").all())


def test_a_password_step_beside_a_password_managers_hidden_field_is_answered(page: Page) -> None:
    # Given a password step under a heading no table knows (a newer wording), holding beside its field another one
    # drawn off-screen for a password manager: hidden from assistive technology, out of the tab order
    step = """<!doctype html><html lang="en"><main><div role="heading" aria-level="1">Enter your password</div>
<form method="post" action="/login">
  <input type="password" name="prefill" tabindex="-1" aria-hidden="true" style="position:absolute;left:-10000px">
  <input type="password" name="pwd" placeholder="Password">
  <input type="submit" value="Sign in">
</form></main></html>"""
    posted = posted_to(page, "/login", step)

    # When the library signs in, then the password was typed into the person's field, not taken as one to change
    complete_sign_in(page, "agent@contoso.test", "a-password", totp_secret=SECRET)
    assert posted == [{"pwd": ["a-password"]}]

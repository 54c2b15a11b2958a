"""fixtures.identity_http: the sign-in journey over plain HTTP, against the provider on a real socket."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from fixtures.identity import DEMO_PASSWORD, DEMO_TOTP_SECRET, PARTNER_AUTOMATION_CLIENT_ID, create_app
from fixtures.identity.settings import THROWAWAY_PASSWORD_HASH_METHOD
from fixtures.identity_http import HttpSignInError, authorization_code_over_http, pkce_pair
from fixtures.portal.server import serve_in_thread

REDIRECT = "http://127.0.0.1:9/"  # the automation client's loopback URI on a port where nothing listens
SCOPE = "openid offline_access https://api.partnercenter.microsoft.com/user_impersonation"


@pytest.fixture(scope="module")
def provider(seeded_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider served on 127.0.0.1 in a thread, on the real clock; yield its base URL."""
    database = tmp_path_factory.mktemp("served") / "identity.sqlite"
    shutil.copyfile(seeded_database, database)
    with serve_in_thread(
        create_app({"DATABASE": str(database), "PASSWORD_HASH_METHOD": THROWAWAY_PASSWORD_HASH_METHOD})
    ) as url:
        yield url.rstrip("/")


def authorize_url(provider: str, challenge: str, **extra: str) -> str:
    """Return the automation client's authorization URL."""
    query = {"client_id": PARTNER_AUTOMATION_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT}
    query.update(scope=SCOPE, state="st-1", code_challenge=challenge, code_challenge_method="S256", **extra)
    return f"{provider}/organizations/oauth2/v2.0/authorize?{urlencode(query)}"


def redeem(provider: str, redirect: str, verifier: str) -> dict:
    """Redeem the code of a redirect as the public automation client."""
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    response = requests.post(
        f"{provider}/organizations/oauth2/v2.0/token",
        data={**form, "client_id": PARTNER_AUTOMATION_CLIENT_ID},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_pkce_pair_gives_the_s256_challenge_of_its_verifier() -> None:
    # When a script makes a PKCE pair
    verifier, challenge = pkce_pair()
    # Then the verifier has the length RFC 7636 asks, and the challenge is its S256 hash
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    assert 43 <= len(verifier) <= 128 and challenge == create_s256_code_challenge(verifier)
    assert pkce_pair()[0] != verifier


def test_sign_in_over_http_returns_the_redirect_with_code_and_state(provider: str) -> None:
    # Given a script's authorization request
    verifier, challenge = pkce_pair()
    # When it signs in over plain HTTP
    redirect = authorization_code_over_http(
        requests.Session(), authorize_url(provider, challenge), "sales-agent", DEMO_PASSWORD, None
    )
    # Then it gets the redirect back (unrequested), whose code gives tokens and a refresh token to keep
    assert redirect.startswith(REDIRECT + "?") and parse_qs(urlsplit(redirect).query)["state"] == ["st-1"]
    tokens = redeem(provider, redirect, verifier)
    assert tokens["refresh_token"] and tokens["id_token"]


def test_sign_in_over_http_with_mfa_gives_tokens_that_say_mfa(provider: str) -> None:
    # Given a request that asks for MFA
    verifier, challenge = pkce_pair()
    url = authorize_url(provider, challenge, amr_values="mfa")
    # When a script signs in with the user's authenticator secret
    redirect = authorization_code_over_http(requests.Session(), url, "global-admin", DEMO_PASSWORD, DEMO_TOTP_SECRET)
    # Then the ID token, checked with the provider's keys, says pwd and mfa
    keys = KeySet.import_key_set(requests.get(f"{provider}/common/discovery/v2.0/keys", timeout=10).json())
    claims = jwt.decode(redeem(provider, redirect, verifier)["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["amr"] == ["pwd", "mfa"] and claims["aud"] == PARTNER_AUTOMATION_CLIENT_ID


def test_two_mfa_sign_ins_of_one_user_in_a_row_both_succeed(provider: str) -> None:
    # Given one user signing in with MFA twice within seconds (a code is good once)
    urls = [authorize_url(provider, pkce_pair()[1], amr_values="mfa") for _ in range(2)]
    # When two scripts sign in one after the other
    redirects = [
        authorization_code_over_http(requests.Session(), url, "admin-agent", DEMO_PASSWORD, DEMO_TOTP_SECRET)
        for url in urls
    ]
    # Then both get a code: the second used the next time step's code
    assert all("code=" in redirect for redirect in redirects)


def test_wrong_password_raises_the_providers_message(provider: str) -> None:
    # When a script signs in with a wrong password
    with pytest.raises(HttpSignInError) as refused:
        authorization_code_over_http(
            requests.Session(), authorize_url(provider, pkce_pair()[1]), "helpdesk-agent", "wrong", None
        )
    # Then the error is the provider's own field message
    assert (
        str(refused.value)
        == "Your account or password is incorrect. If you don't remember your password, reset it now."
    )


def test_unknown_account_raises_the_providers_message(provider: str) -> None:
    # When a script names an account the tenant does not have
    with pytest.raises(HttpSignInError, match="This username may be incorrect"):
        authorization_code_over_http(requests.Session(), authorize_url(provider, pkce_pair()[1]), "nobody", "x", None)


def test_code_asked_without_a_secret_raises(provider: str) -> None:
    # When MFA is asked and the script has no authenticator secret
    url = authorize_url(provider, pkce_pair()[1], amr_values="mfa")
    # Then it says so instead of guessing
    with pytest.raises(HttpSignInError, match="no TOTP secret"):
        authorization_code_over_http(requests.Session(), url, "sales-agent", DEMO_PASSWORD, None)


def test_refused_request_raises_the_oauth_error(provider: str) -> None:
    # When the request itself is refused (here: plain PKCE) and the provider sends the browser back with an error
    url = authorize_url(provider, "x" * 43).replace("code_challenge_method=S256", "code_challenge_method=plain")
    # Then the OAuth error comes back as the exception's message
    with pytest.raises(HttpSignInError, match=r"^invalid_request: "):
        authorization_code_over_http(requests.Session(), url, "sales-agent", DEMO_PASSWORD, None)


def test_unknown_client_raises_the_error_page_text(provider: str) -> None:
    # When the request names a client that is not registered
    url = authorize_url(provider, pkce_pair()[1]).replace(PARTNER_AUTOMATION_CLIENT_ID, "not-registered")
    # Then the error page's text comes back
    with pytest.raises(HttpSignInError, match="invalid_client"):
        authorization_code_over_http(requests.Session(), url, "sales-agent", DEMO_PASSWORD, None)

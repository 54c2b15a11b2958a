"""The Graph-shaped user API: global admins only, and users it adds can sign in."""

from __future__ import annotations

from typing import Any

import pytest
from idp_journey import Clock, UserAgent, auth_request, markup_of, page_of
from joserfc import jwt
from joserfc.jwk import RSAKey

from fixtures.identity import PARTNER_DOMAIN
from fixtures.identity.keys import sign, signing_key

NEW_USER = {"userPrincipalName": f"new-agent@{PARTNER_DOMAIN}", "password": "N3w-agent!", "role": "sales-agent"}
NEW_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits, as an authenticator app would get


def bearer(agent: UserAgent, name: str = "global-admin") -> dict[str, str]:
    """Sign a user in (in a fresh request) and return the Authorization header of their access token."""
    tokens = agent.signed_in_tokens(auth_request(prompt="login"), name=name)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def add_user(agent: UserAgent, **body: Any) -> Any:
    """POST a new user as the global admin; return the response."""
    return agent.client.post("/v1.0/users", json={**NEW_USER, **body}, headers=bearer(agent))


def test_user_api_needs_a_valid_bearer_token(agent: UserAgent) -> None:
    # When the API is called without a token, or with something that is not one
    missing = agent.client.get("/v1.0/users/global-admin")
    garbage = agent.client.get("/v1.0/users/global-admin", headers={"Authorization": "Bearer not-a-token"})
    # Then both are refused with Graph's 401
    assert missing.status_code == garbage.status_code == 401
    assert missing.json["error"]["code"] == "InvalidAuthenticationToken" and "WWW-Authenticate" in missing.headers


def test_user_api_refuses_a_token_signed_by_another_key(agent: UserAgent) -> None:
    # Given a global admin's token's claims (every one right), signed again: by the provider's key, and by another
    claims = agent.verified_claims(bearer(agent)["Authorization"].removeprefix("Bearer "))
    with agent.client.application.app_context():
        resigned, kid = sign(claims), signing_key().kid
    header = {"typ": "JWT", "alg": "RS256", "kid": kid}  # the provider's key named, as a forger would
    forged = jwt.encode(header, claims, RSAKey.generate_key(2048), algorithms=["RS256"])

    # When each is used, Then the provider's is taken (only the signature differs) and the other refused
    statuses = [
        agent.client.get("/v1.0/users/global-admin", headers={"Authorization": f"Bearer {token}"}).status_code
        for token in (resigned, forged)
    ]
    assert statuses == [200, 401]


def test_user_api_refuses_an_expired_token(agent: UserAgent, clock: Clock) -> None:
    # Given a global admin's token, an hour and a second later
    headers = bearer(agent)
    clock.advance(3601)
    # When it is used
    response = agent.client.get("/v1.0/users/global-admin", headers=headers)
    # Then it is refused
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["admin-agent", "sales-agent", "helpdesk-agent"])
def test_user_api_refuses_other_roles(agent: UserAgent, name: str) -> None:
    # When a user who is not a global admin adds a user
    response = agent.client.post(
        "/v1.0/users", json={"name": "x", "password": "p", "role": "sales-agent"}, headers=bearer(agent, name)
    )
    # Then it is refused with Graph's 403
    assert response.status_code == 403 and response.json["error"]["code"] == "Authorization_RequestDenied"


def test_added_user_can_sign_in_with_the_role_given(agent: UserAgent) -> None:
    # Given a user added through the API, without an authenticator app
    created = add_user(agent, displayName="New agent")
    # When that user signs in
    tokens = agent.signed_in_tokens(auth_request(prompt="login"), name="new-agent", password="N3w-agent!")
    # Then the API answered 201 with the user, and the tokens name them with their role
    assert created.status_code == 201 and created.json["userPrincipalName"] == f"new-agent@{PARTNER_DOMAIN}"
    claims = agent.verified_claims(tokens["id_token"])
    assert claims["roles"] == ["sales-agent"] and claims["name"] == "New agent" and claims["oid"] == created.json["id"]


def test_added_user_with_a_totp_secret_signs_in_with_mfa(agent: UserAgent) -> None:
    # Given a user added with an authenticator secret
    add_user(agent, totpSecret=NEW_SECRET)
    # When that user signs in where MFA is asked
    request = auth_request(amr_values="mfa", prompt="login")
    tokens = agent.signed_in_tokens(request, name="new-agent", password="N3w-agent!", secret=NEW_SECRET)
    # Then the tokens say mfa
    assert agent.verified_claims(tokens["id_token"])["amr"] == ["pwd", "mfa"]


def test_user_without_an_authenticator_asked_for_mfa_is_told_to_register_one(agent: UserAgent) -> None:
    # Given a user added without an authenticator secret
    add_user(agent)
    # When that user signs in where MFA is asked
    page = agent.submit(agent.authorize(auth_request(amr_values="mfa", prompt="login")), loginfmt="new-agent")
    page = agent.submit(page, passwd="N3w-agent!")
    # Then a page says MFA registration is required, with nothing to submit
    assert markup_of(page).headings == ["More information required"]
    assert "no authenticator app registered" in page_of(page).message() and page_of(page).action is None


def test_changed_role_and_password_apply_at_the_next_sign_in(agent: UserAgent) -> None:
    # Given a user whose role and password an admin changed
    add_user(agent)
    change = {"role": "admin-agent", "password": "Changed-1!"}
    patched = agent.client.patch(f"/v1.0/users/new-agent@{PARTNER_DOMAIN}", json=change, headers=bearer(agent))
    # When the user signs in with the new password
    tokens = agent.signed_in_tokens(auth_request(prompt="login"), name="new-agent", password="Changed-1!")
    # Then the change was accepted, and the tokens carry the new role
    assert patched.status_code == 204 and agent.verified_claims(tokens["id_token"])["roles"] == ["admin-agent"]


def test_deleted_user_can_no_longer_sign_in_nor_refresh(agent: UserAgent, other_agent: UserAgent) -> None:
    # Given a user with a refresh token, then deleted
    add_user(agent)
    tokens = other_agent.signed_in_tokens(name="new-agent", password="N3w-agent!")
    deleted = agent.client.delete("/v1.0/users/new-agent", headers=bearer(agent))
    # When the user tries to sign in, and their client to refresh
    page = agent.submit(agent.authorize(auth_request(prompt="login")), loginfmt="new-agent")
    refreshed = other_agent.refresh(tokens["refresh_token"])
    # Then the account is unknown and the refresh token dead
    assert deleted.status_code == 204 and page_of(page).field_error().startswith("This username may be incorrect")
    assert refreshed.json["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**NEW_USER, "role": "owner"}, id="unknown-role"),
        pytest.param({k: v for k, v in NEW_USER.items() if k != "role"}, id="no-role"),
        pytest.param({**NEW_USER, "password": ""}, id="empty-password"),
        pytest.param({**NEW_USER, "userPrincipalName": "x@contoso.com"}, id="other-domain"),
        pytest.param({**NEW_USER, "userPrincipalName": f"Global-Admin@{PARTNER_DOMAIN}"}, id="taken"),
        pytest.param({**NEW_USER, "totpSecret": "not base32!"}, id="bad-secret"),
        pytest.param([NEW_USER], id="not-an-object"),
    ],
)
def test_bad_user_is_refused_like_graph(agent: UserAgent, body: Any) -> None:
    # When an admin adds a user with a bad or missing property
    response = agent.client.post("/v1.0/users", json=body, headers=bearer(agent))
    # Then Graph's 400 comes back, naming the problem
    assert response.status_code == 400 and response.json["error"]["code"] == "Request_BadRequest"


def test_unknown_user_is_not_found(agent: UserAgent) -> None:
    # When an admin changes a user who does not exist
    response = agent.client.patch("/v1.0/users/nobody", json={"role": "sales-agent"}, headers=bearer(agent))
    # Then Graph's 404 comes back
    assert response.status_code == 404 and response.json["error"]["code"] == "Request_ResourceNotFound"

"""Discovery and keys: the provider describes itself as Entra's v2.0 endpoints do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from idp_journey import ISSUER, UserAgent, page_of

from fixtures.identity import PARTNER_DOMAIN, PARTNER_TENANT_ID


@pytest.mark.parametrize("tenant", [PARTNER_TENANT_ID, "organizations", "common", PARTNER_DOMAIN])
def test_discovery_names_the_tenant_issuer_for_every_tenant_alias(agent: UserAgent, tenant: str) -> None:
    # When a client reads the discovery document under any accepted tenant segment
    metadata = agent.client.get(f"/{tenant}/v2.0/.well-known/openid-configuration").json
    # Then the issuer is the tenant's, in Entra's v2.0 shape, and the endpoints live under that segment
    assert metadata["issuer"] == ISSUER
    assert metadata["authorization_endpoint"] == f"http://localhost/{tenant}/oauth2/v2.0/authorize"
    assert metadata["jwks_uri"] == f"http://localhost/{tenant}/discovery/v2.0/keys"
    assert metadata["end_session_endpoint"] == f"http://localhost/{tenant}/oauth2/v2.0/logout"


def test_discovery_offers_code_with_s256_and_rs256_only(agent: UserAgent) -> None:
    # When a client reads the discovery document
    metadata = agent.client.get("/organizations/v2.0/.well-known/openid-configuration").json
    # Then it offers the code flow, PKCE with S256 and RS256 signatures, nothing weaker
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "offline_access", "https://api.partnercenter.microsoft.com/user_impersonation"} <= set(
        metadata["scopes_supported"]
    )
    assert {"amr", "roles", "oid", "tid", "nonce"} <= set(metadata["claims_supported"])


def test_issuer_origin_setting_replaces_the_request_host(make_app: Callable[..., Flask]) -> None:
    # Given a provider told its public origin
    app = make_app(ISSUER_ORIGIN="http://localhost:5001")
    # When a client reads its discovery document through another address
    metadata = app.test_client().get("/common/v2.0/.well-known/openid-configuration").json
    # Then the issuer and endpoints use the configured origin
    assert metadata["issuer"] == f"http://localhost:5001/{PARTNER_TENANT_ID}/v2.0"
    assert metadata["token_endpoint"] == "http://localhost:5001/common/oauth2/v2.0/token"


def test_jwks_publishes_one_rs256_public_key_with_its_kid(agent: UserAgent) -> None:
    # When a client reads the keys
    keys = agent.client.get("/common/discovery/v2.0/keys").json["keys"]
    # Then there is one RSA signing key, named by a kid, without its private parts
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"
    assert keys[0]["kid"]
    assert "d" not in keys[0] and "p" not in keys[0]


def test_unknown_tenant_is_refused(agent: UserAgent) -> None:
    # When a client names a tenant that is not the partner's
    page = agent.client.get("/contoso.onmicrosoft.com/oauth2/v2.0/authorize")
    token = agent.client.post("/contoso.onmicrosoft.com/oauth2/v2.0/token", data={"grant_type": "refresh_token"})
    # Then the page and the token endpoint (in JSON) both say the tenant was not found
    assert page.status_code == 400 and "Tenant 'contoso.onmicrosoft.com' not found" in page_of(page).message()
    assert token.status_code == 400 and "not found" in token.json["error_description"]

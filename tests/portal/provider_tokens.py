"""The identity provider as the portal's own tests know it: its keys and tokens, no server.

A module of its own, not the conftest: a test imports from here by name, and a conftest's name is
shared by every folder's.
"""

from __future__ import annotations

import time
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from fixtures.portal.identity import API_AUDIENCE

# The tests of the sign-in itself serve the real provider (test_sign_in_flow.py).
ISSUER = "https://login.partner.test/8f3b5a1e-21a1-4c6e-9b1f-5c0d2e7a4b21/v2.0"
SIGNING_KEY = RSAKey.generate_key(2048, parameters={"kid": "portal-tests"})


def provider_metadata(key: RSAKey = SIGNING_KEY) -> dict[str, Any]:
    """Return the provider's discovery document, its keys inline."""
    base = ISSUER.removesuffix("/v2.0")
    return {
        "issuer": ISSUER,
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "jwks": {"keys": [key.as_dict(private=False)]},
        "id_token_signing_alg_values_supported": ["RS256"],
    }


def access_token(username: str = "global-admin", key: RSAKey = SIGNING_KEY, **claims: Any) -> str:
    """Return an access token for the API, as the provider signs one for a user (named after its role)."""
    now = int(time.time())
    body = {
        "iss": ISSUER, "aud": API_AUDIENCE, "scp": "user_impersonation", "amr": ["pwd", "mfa"],
        "preferred_username": f"{username}@21vianet-partner.partner.onmschina.cn", "name": username,
        "roles": [username], "iat": now, "nbf": now, "exp": now + 3600, **claims,
    }  # fmt: skip
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key)

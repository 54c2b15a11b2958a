"""The authorization code flow with PKCE: what a client sends, what it gets back, and what is refused."""

from __future__ import annotations

from idp_journey import ISSUER, SCOPE, WEB_CLIENT_ID, WEB_REDIRECT, Clock, UserAgent, auth_request, page_of, query_of

from fixtures.identity import API_AUDIENCE, PARTNER_AUTOMATION_CLIENT_ID, PARTNER_DOMAIN


def test_whole_journey_gives_an_id_token_signed_with_the_published_key(agent: UserAgent) -> None:
    # Given an authorization request with a nonce
    request = auth_request(nonce="nonce-123")
    # When the user signs in and the client redeems the code with its verifier
    tokens = agent.signed_in_tokens(request)
    # Then the ID token checks with the JWKS and says who signed in, for whom, and how
    claims = agent.verified_claims(tokens["id_token"])
    assert claims["iss"] == ISSUER and claims["aud"] == WEB_CLIENT_ID and claims["nonce"] == "nonce-123"
    assert claims["amr"] == ["pwd"] and claims["roles"] == ["global-admin"]
    assert claims["preferred_username"] == f"global-admin@{PARTNER_DOMAIN}" and claims["name"] == "Global admin"
    assert claims["iat"] == claims["nbf"] == claims["auth_time"] and claims["exp"] == claims["iat"] + 3600


def test_access_token_is_for_the_partner_center_api(agent: UserAgent) -> None:
    # When a sales agent signs in for the API scope
    tokens = agent.signed_in_tokens(name="sales-agent")
    # Then the access token is a JWT for the API, with the delegated scope and the user's role
    claims = agent.verified_claims(tokens["access_token"])
    assert claims["aud"] == API_AUDIENCE and claims["scp"] == "user_impersonation"
    assert claims["roles"] == ["sales-agent"] and claims["iss"] == ISSUER
    assert claims["oid"] == agent.verified_claims(tokens["id_token"])["oid"]
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600


def test_state_comes_back_with_the_code(agent: UserAgent) -> None:
    # When the user signs in for a request with a state
    redirect = agent.sign_in(request=auth_request(state="opaque-state"))
    # Then the browser goes back to the redirect URI with a code and the same state
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith(WEB_REDIRECT + "?")
    assert query_of(redirect)["state"] == "opaque-state" and query_of(redirect)["code"]


def test_plain_pkce_is_refused(agent: UserAgent) -> None:
    # When a client asks with the plain PKCE method
    response = agent.authorize(auth_request(code_challenge="x" * 43, code_challenge_method="plain", state="s1"))
    # Then it is sent back with invalid_request, its state, and no sign-in page
    assert response.status_code == 302 and query_of(response)["error"] == "invalid_request"
    assert "S256" in query_of(response)["error_description"] and query_of(response)["state"] == "s1"


def test_request_without_pkce_is_refused(agent: UserAgent) -> None:
    # When a client asks without a code challenge
    response = agent.authorize(auth_request(code_challenge=None, code_challenge_method=None))
    # Then it is sent back with invalid_request
    assert response.status_code == 302 and query_of(response)["error"] == "invalid_request"


def test_missing_code_verifier_is_refused(agent: UserAgent) -> None:
    # Given a code issued for a PKCE challenge
    request = auth_request()
    redirect = agent.sign_in(request=request)
    # When the client redeems it without the verifier
    response = agent.tokens(redirect, request, code_verifier=None)
    # Then the token endpoint refuses
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_wrong_code_verifier_is_refused(agent: UserAgent) -> None:
    # Given a code issued for a PKCE challenge
    request = auth_request()
    redirect = agent.sign_in(request=request)
    # When the client redeems it with another verifier
    response = agent.tokens(redirect, request, code_verifier="w" * 64)
    # Then the token endpoint refuses with invalid_grant
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_replayed_code_is_refused_and_revokes_what_it_gave(agent: UserAgent) -> None:
    # Given a code already redeemed once
    request = auth_request()
    redirect = agent.sign_in(request=request)
    first = agent.tokens(redirect, request).json
    # When it is redeemed again
    replay = agent.tokens(redirect, request)
    # Then it is refused, and the refresh token it gave stops working (the code leaked)
    assert replay.status_code == 400 and replay.json["error"] == "invalid_grant"
    assert agent.refresh(first["refresh_token"]).json["error"] == "invalid_grant"


def test_forged_code_is_refused(agent: UserAgent) -> None:
    # Given a real sign-in, whose code is then replaced by a made-up one
    request = auth_request()
    redirect = agent.sign_in(request=request)
    redirect.headers["Location"] = WEB_REDIRECT + "?code=forged-code-0123456789"
    # When the client redeems the made-up code
    response = agent.tokens(redirect, request)
    # Then it is refused
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_code_expires_after_ten_minutes(agent: UserAgent, clock: Clock) -> None:
    # Given a code issued just over ten minutes ago
    request = auth_request()
    redirect = agent.sign_in(request=request)
    clock.advance(601)
    # When the client redeems it
    response = agent.tokens(redirect, request)
    # Then it is refused
    assert response.status_code == 400 and response.json["error"] == "invalid_grant"


def test_confidential_client_must_authenticate(agent: UserAgent) -> None:
    # Given a code for the web client, which has a secret
    request = auth_request()
    redirect = agent.sign_in(request=request)
    # When it redeems the code without its secret
    response = agent.tokens(redirect, request, client_secret=None)
    # Then the client is refused
    assert response.status_code in (400, 401) and response.json["error"] == "invalid_client"


def test_confidential_client_may_authenticate_with_http_basic(agent: UserAgent) -> None:
    # Given a code for the web client
    request = auth_request()
    redirect = agent.sign_in(request=request)
    # When it redeems the code with client_secret_basic
    basic = {"Authorization": "Basic cGFydG5lci1jZW50ZXItd2ViOndlYi1zZWNyZXQ="}  # partner-center-web:web-secret
    data = {"grant_type": "authorization_code", "code": query_of(redirect)["code"], "redirect_uri": WEB_REDIRECT}
    response = agent.client.post(
        "/common/oauth2/v2.0/token", data={**data, "code_verifier": request.verifier}, headers=basic
    )
    # Then it gets its tokens
    assert response.status_code == 200 and "id_token" in response.json


def test_unknown_redirect_uri_shows_an_error_page_without_redirecting(agent: UserAgent) -> None:
    # When a request names a redirect URI the client did not register
    response = agent.authorize(auth_request(redirect_uri="https://evil.example/steal"))
    # Then the provider shows an error page, and sends the browser nowhere
    assert response.status_code == 400 and "Location" not in response.headers
    assert "https://evil.example/steal" in page_of(response).message()


def test_unknown_client_shows_an_error_page_without_redirecting(agent: UserAgent) -> None:
    # When a request names a client that is not registered
    response = agent.authorize(auth_request(client_id="not-registered"))
    # Then the provider shows an error page
    assert response.status_code == 400 and "Location" not in response.headers
    assert "invalid_client" in page_of(response).message()


def test_unsupported_response_type_goes_back_with_an_error(agent: UserAgent) -> None:
    # When a valid client asks for the implicit flow
    response = agent.authorize(auth_request(response_type="token", state="s2"))
    # Then it is sent back with unsupported_response_type
    assert response.status_code == 302 and query_of(response)["error"] == "unsupported_response_type"
    assert query_of(response)["state"] == "s2"


def test_loopback_redirect_is_accepted_on_any_port(agent: UserAgent) -> None:
    # Given the automation client, registered with http://127.0.0.1/
    request = auth_request(client_id=PARTNER_AUTOMATION_CLIENT_ID, redirect_uri="http://127.0.0.1:53117/")
    # When a script signs in with a redirect URI on its own port, then redeems the code as a public client
    redirect = agent.sign_in(request=request)
    response = agent.tokens(redirect, request, client_id=PARTNER_AUTOMATION_CLIENT_ID, client_secret=None)
    # Then the browser goes back to that port, and the code gives tokens
    assert redirect.headers["Location"].startswith("http://127.0.0.1:53117/?code=")
    assert response.status_code == 200 and response.json["refresh_token"]


def test_loopback_redirect_must_keep_scheme_host_and_path(agent: UserAgent) -> None:
    # When the automation client names loopback URIs that differ in more than the port
    for uri in ("http://127.0.0.1:53117/other", "https://127.0.0.1:53117/", "http://localhost:53117/"):
        response = agent.authorize(auth_request(client_id=PARTNER_AUTOMATION_CLIENT_ID, redirect_uri=uri))
        # Then each is refused with an error page
        assert response.status_code == 400 and "Location" not in response.headers, uri


def test_no_id_token_without_the_openid_scope(agent: UserAgent) -> None:
    # When a client asks only for the API
    tokens = agent.signed_in_tokens(auth_request(scope="https://api.partnercenter.microsoft.com/user_impersonation"))
    # Then it gets an access token, but neither an ID token nor a refresh token
    assert tokens["access_token"] and "id_token" not in tokens and "refresh_token" not in tokens


def test_refresh_token_only_with_offline_access(agent: UserAgent) -> None:
    # When a client asks without offline_access
    tokens = agent.signed_in_tokens(auth_request(scope=SCOPE.replace("offline_access ", "")))
    # Then no refresh token comes back
    assert "refresh_token" not in tokens and tokens["id_token"]


def test_unknown_scope_goes_back_with_invalid_scope(agent: UserAgent) -> None:
    # When a client asks for a scope the provider does not know
    response = agent.authorize(auth_request(scope="openid https://graph.chinacloudapi.cn/Mail.Read"))
    # Then it is sent back with invalid_scope
    assert response.status_code == 302 and query_of(response)["error"] == "invalid_scope"

"""The accounts job's wait for a portal that stopped answering: the Dashboard's address, and the request a gateway
answered in the portal's place (a list's own), both answered again before a row is tried again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_rest_client import serving

from flows import portal_back, rest_waits

pytestmark = pytest.mark.regression


def test_the_wait_ends_once_the_request_a_gateway_answered_is_answered_by_the_portal_again(
    admin_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Dashboard that answers, and the list's request still answered by a gateway twice, then by the portal
    monkeypatch.setattr(rest_waits, "pause", lambda seconds: None)  # looks at once: the waits are not what is tested
    with serving() as api:
        api.answers = [(503, {}, {}), (502, {}, {}), (200, {}, {"items": []})]

        # When the job waits for the portal
        back = portal_back.wait_for_portal(admin_page.context, gone_at=f"{api.url}v1/customers?size=20")

        # Then it waited until the portal answered that request too, and gives the page that shows the Dashboard
        assert back is not None
        assert [path for path, _ in api.requests] == ["/v1/customers?size=20"] * 3
        back.close()


def test_the_wait_for_a_request_never_answered_again_ends_at_its_limit(
    admin_page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the list's request answered by a gateway for good, and a wait of no length
    monkeypatch.setattr(rest_waits, "pause", lambda seconds: None)
    monkeypatch.setattr(portal_back, "PORTAL_BACK_WAIT_S", 0.0)
    with serving() as api:
        api.answers = [(504, {}, {})]

        # Then the wait ends without a page: the portal is not back
        assert portal_back.wait_for_portal(admin_page.context, gone_at=f"{api.url}v1/customers") is None
        assert len(api.requests) == 1

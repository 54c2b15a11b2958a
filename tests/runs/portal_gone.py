"""Run by tests/test_portal_outage.py: a test whose portal stops answering, and never answers again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ports import refused_port

from pages import PortalUnavailableError

pytestmark = pytest.mark.tooling  # its portal is an address nothing listens at


@pytest.fixture
def base_url() -> Iterator[str]:
    """An address of this machine that refuses every connection: the portal gone for good."""
    with refused_port() as port:
        yield f"http://127.0.0.1:{port}/"


def test_the_portal_stops_answering(base_url: str) -> None:
    raise PortalUnavailableError(f"The portal did not answer at {base_url}")

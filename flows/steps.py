"""Named steps: each shows as a group in the Playwright trace and as a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page

log = logging.getLogger("flows")


@contextmanager
def step(page: Page, name: str) -> Iterator[None]:
    """Run the block as the step ``name``: grouped in the trace, logged when it starts."""
    log.info("%s", name)
    page.context.tracing.group(name)
    try:
        yield
    finally:
        page.context.tracing.group_end()

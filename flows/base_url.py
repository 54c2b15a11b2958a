"""A portal's address as the library takes it: http(s), with one trailing slash so paths resolve below it."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit


def normalize_base_url(base_url: str) -> str:
    """Return ``base_url`` with one trailing slash, so relative paths resolve below it.

    Raises ``ValueError`` for an address without its ``http://`` or ``https://`` (``127.0.0.1:8000``: a
    browser takes it for a path, and every step after fails for another reason), ``TypeError`` for no text.
    """
    if not isinstance(base_url, str):
        raise TypeError(f"The portal's address is text, as http://127.0.0.1:8000/: not {type(base_url).__name__}")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The portal's address {base_url!r} needs its http:// or https://, as http://127.0.0.1:8000/")
    return base_url.strip().rstrip("/") + "/"


def base_url_argument(text: str) -> str:
    """Parse a command line's ``--base-url``: a bad address is a usage error (exit 2), said before anything else."""
    try:
        return normalize_base_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None

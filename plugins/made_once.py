"""A session's object made at its first use, and made again after a failure.

pytest keeps a session fixture's error and raises it for every later test that asks for the
fixture: a portal restarting during the run's first sign-in would fail every test of the worker.
A function fixture that asks a ``MadeOnce`` instead fails that one test (retried under
``--reruns``), and the next test tries again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class MadeOnce(Generic[T]):
    """``make()``'s object, made when first asked for; not kept when making it raised."""

    def __init__(self, make: Callable[[], T], close: Callable[[T], object] | None = None) -> None:
        self.make, self.closer = make, close
        self.made: list[T] = []  # a list: None may be what ``make`` returns

    def get(self) -> T:
        """Return the object, making it if no earlier call did; what ``make`` raises goes to the caller."""
        if not self.made:
            self.made.append(self.make())
        return self.made[0]

    def close(self) -> None:
        """Close the object, if one was made."""
        if self.made and self.closer is not None:
            self.closer(self.made.pop())

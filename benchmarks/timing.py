"""Time each HTTP request a WSGI app serves, and summarise samples (median, percentiles)."""

from __future__ import annotations

import re
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from werkzeug.wsgi import ClosingIterator

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def endpoint(environ: dict[str, Any]) -> str:
    """Return "METHOD /path" with customer ids as {id}, so requests group by what they ask for."""
    return f"{environ.get('REQUEST_METHOD', '?')} {UUID.sub('{id}', environ.get('PATH_INFO', ''))}"


class RequestTimes:
    """Seconds spent serving each request, from the app's call until the server closes the response.

    ``cpu_seconds`` adds up the CPU the request threads used: a request's time also counts waiting
    for a core on a busy machine, its CPU time only the portal's own work.
    """

    def __init__(self) -> None:
        self.samples: list[tuple[str, float]] = []  # (endpoint, seconds)
        self.cpu_seconds = 0.0
        self._lock = threading.Lock()  # the portal's server is threaded

    def wrap(self, app: WsgiApp) -> WsgiApp:
        """Return ``app`` timed: the body is written after the call returns, so stop at close()."""

        def timed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            started, cpu_started = time.perf_counter(), time.thread_time()  # one thread serves the whole request

            def done() -> None:
                self.add(endpoint(environ), time.perf_counter() - started, time.thread_time() - cpu_started)

            return ClosingIterator(app(environ, start_response), [done])

        return timed

    def add(self, name: str, seconds: float, cpu_seconds: float = 0.0) -> None:
        """Record one request."""
        with self._lock:
            self.samples.append((name, seconds))
            self.cpu_seconds += cpu_seconds

    def take(self) -> list[tuple[str, float]]:
        """Return the requests recorded so far and start afresh."""
        with self._lock:
            taken, self.samples = self.samples, []
        return taken


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the ``fraction`` quantile (0..1) of ``values`` by linear interpolation; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    """Return the median; nan when empty."""
    return statistics.median(values) if values else float("nan")

"""Loopback ports for tests: one nothing listens on, and one for a program to listen on, neither of which another
process can be given meanwhile (a parallel worker's server asking for any port, a connection's own port)."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def unlent_ports() -> tuple[int, int]:
    """Return the ports the system never lends on its own, as ``range()``'s bounds.

    A port the system lends (to a connection, to a server asking for any port) and that is free now can be given to
    another process before the program meant to listen on it does, or while it restarts.
    """
    try:
        lowest_lent = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):  # not Linux: IANA's range, which Windows and macOS lend from
        lowest_lent = 49152
    return 10000, max(lowest_lent, 12000)  # a system that lends every port: the risk is taken


UNLENT_PORTS = unlent_ports()


def unlent_port() -> int:
    """Return a loopback port free now among those the system never lends, for a program told to listen on it."""
    for port in random.sample(range(*UNLENT_PORTS), 20):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {UNLENT_PORTS} after 20 tries")


@contextmanager
def refused_port() -> Iterator[int]:
    """Hold a loopback port bound, never listened on, while the block runs: connections to it are refused, and no
    other process can take it meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])

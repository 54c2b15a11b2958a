"""CPU seconds used by a process tree, by kind of process, sampled from /proc (Linux; no psutil needed).

Processes come and go during a run (browsers are launched and closed), so a thread reads the
tree every quarter second and keeps each process's last total: what it had used when last seen.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL_S = 0.25


def processes() -> dict[int, tuple[int, float, str]]:
    """Return every process: its parent, CPU seconds (user + system) and its kind."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS, kind_of(command))
    return found


def tree_of(root: int, parents: dict[int, int]) -> set[int]:
    """Return ``root`` and every process descended from it, given each process's parent."""
    chosen = {root}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in chosen and pid not in chosen}
        chosen |= more
        grew = bool(more)
    return chosen


def kind_of(command: str) -> str:
    """Name a process by what it is: the browser's process types, Playwright's driver, Python."""
    if "chrom" in command or command.startswith("/proc/self/exe"):  # a browser process re-executed
        kind = next((arg.split("=", 1)[1] for arg in command.split() if arg.startswith("--type=")), "browser")
        return f"browser: {kind}"
    if "playwright" in command and "node" in command:
        return "Playwright's driver (node)"
    if "fixtures.portal" in command:
        return "the portal (Python)"
    return "the job (Python)" if "python" in command else command.split(" ")[0] or "other"


class CpuSampler:
    """Samples the CPU of ``root`` and its descendants while the ``with`` block runs."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[float, str]] = {}
        self.baseline: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, name="cpu-sampler", daemon=True)

    def tree(self) -> dict[int, tuple[float, str]]:
        """Return the CPU and kind of each process of the tree now."""
        found = processes()
        chosen = tree_of(self.root, {pid: parent for pid, (parent, _, _) in found.items()})
        return {pid: found[pid][1:] for pid in chosen if pid in found}

    def sample(self) -> None:
        """Record the tree until stopped."""
        while not self.stop.wait(INTERVAL_S):
            self.record()

    def record(self) -> None:
        """Record each process's CPU now, and its kind as last named (a renderer starts as a copy of the
        zygote, and an exiting process's command line is empty)."""
        for pid, (cpu, kind) in self.tree().items():
            known = self.seen.get(pid, (0.0, ""))[1]
            self.seen[pid] = (cpu, known if kind == "other" and known else kind)

    def __enter__(self) -> CpuSampler:
        self.baseline = {pid: cpu for pid, (cpu, _) in self.tree().items()}
        self.seen = {}
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self.record()

    def by_kind(self) -> Counter[str]:
        """Return the CPU seconds used during the block, by kind of process."""
        used: Counter[str] = Counter()
        for pid, (cpu, kind) in self.seen.items():
            used[kind] += cpu - self.baseline.get(pid, 0.0)
        return used

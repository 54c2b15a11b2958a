"""Say what reaches the deployment: a run's count means the portal under test, not the suite's own parts.

Three kinds of tests:
- tests of the **deployment**: they drive its pages and its API (the default);
- tests of the **bundled** portal itself (its code through Flask's test client, its identity
  provider, or portals they start themselves: restarts, lifetimes, faults): marked ``bundled``,
  they run against the bundled portal only, and with ``--base-url`` they are not run, and counted;
- tests of the **tooling** (the library's parts, browser set-up, shards, reports): marked
  ``tooling``; they reach no portal, so with ``--base-url`` they are not run either (a deployment's
  run is about the deployment), and counted.

The header (after collection) and the summary say "N tests against URL; M tests of the bundled
portal and K of the tooling not run". Under xdist the controller learns the counts from the workers at the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.base_url import normalize_base_url

from .option_values import target  # also read as plugins.deployment.target

# Whole folders of the bundled portal's own tests: marked here rather than module by module.
BUNDLED_FOLDERS = ("tests/portal/", "tests/identity/")
COUNTS = pytest.StashKey[dict[str, int]]()
ENDED = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")  # a test's outcomes, its retries' aside


def pytest_configure(config: pytest.Config) -> None:
    # The markers "bundled" and "tooling" are registered in pyproject.toml.
    config.stash[COUNTS] = {"deployment": 0, "bundled": 0, "tooling": 0}
    if config.getoption("--auth-dir", None) and not target(config):
        raise pytest.UsageError(
            "--auth-dir holds sign-ins saved for a deployment: give its --base-url too (the bundled portal starts "
            "at a new address each run, and its users sign in by themselves)"
        )
    for option, address in (("--base-url", target(config)), ("--api-url", config.getoption("--api-url", None))):
        try:
            if address:
                normalize_base_url(address)  # the library's own check of an address
        except ValueError as error:
            said = str(error).partition(": give ")[2]  # the library's advice, in the option's terms
            advice = f"give {said}" if said else "give the address whole, with http:// or https://"
            raise pytest.UsageError(f"{option} {address}: {advice}") from None


def kind(item: pytest.Item) -> str:
    """Return what ``item`` tests: deployment, bundled or tooling."""
    if item.get_closest_marker("bundled"):
        return "bundled"
    return "tooling" if item.get_closest_marker("tooling") else "deployment"


@pytest.hookimpl(trylast=True)  # after -m and -k: what would run otherwise is what a deployment's run leaves out
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        relative = Path(str(item.path)).resolve().relative_to(root).as_posix() if item.path else ""
        if relative.startswith(BUNDLED_FOLDERS):
            item.add_marker(pytest.mark.bundled)
    if target(config) is None:
        return
    left_out = [item for item in items if kind(item) != "deployment"]
    for item in left_out:  # counted here: the run's own are counted once every plugin chose them
        config.stash[COUNTS][kind(item)] += 1
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if kind(item) == "deployment"]


def describe(config: pytest.Config, counts: dict[str, int]) -> str:
    """Return the run's counts in words."""
    where = target(config)
    if where is None:
        return (
            f"{tests(counts['deployment'])} of the portal's workflow and {counts['bundled']} of its own code, "
            f"against the bundled portal; {counts['tooling']} of the tooling"
        )
    return (
        f"{tests(counts['deployment'])} against {where}; {tests(counts['bundled'])} of the bundled portal and "
        f"{counts['tooling']} of the tooling not run (they reach no deployment: run them without --base-url)"
    )


def tests(count: int) -> str:
    """Return "1 test", "2 tests"."""
    return f"{count} test{'' if count == 1 else 's'}"


@pytest.hookimpl(tryfirst=True)  # before the terminal's header reads the counts
def pytest_collection_finish(session: pytest.Session) -> None:
    """Count what runs once every plugin has chosen (a shard of pytest-split's, after ours): against the bundled
    portal, each kind run; against a deployment, its tests run, beside the others it leaves out."""
    counts = session.config.stash[COUNTS]
    for item in session.items:
        counts[kind(item)] += 1


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    return describe(config, config.stash[COUNTS])


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):  # tell the controller what this worker collected
        config.workeroutput["suite_counts"] = dict(config.stash[COUNTS])  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)  # xdist's: a run without it (-p no:xdist) has no such hook
def pytest_testnodedown(node: object) -> None:
    output = getattr(node, "workeroutput", {}) or {}
    config: pytest.Config = node.config  # type: ignore[attr-defined]
    if "suite_counts" in output and not any(config.stash[COUNTS].values()):
        config.stash[COUNTS].update(output["suite_counts"])  # every worker collects the same tests


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    counts = config.stash[COUNTS]
    if any(counts.values()):
        terminalreporter.write_line(describe(config, counts))
    # A run stopped early (a sign-in refused, a portal gone for good): what it never reached is no pass either.
    selected = counts["deployment"] if target(config) else sum(counts.values())
    ended = {report.nodeid for outcome in ENDED for report in terminalreporter.stats.get(outcome, ())}
    if exitstatus == pytest.ExitCode.INTERRUPTED and 0 < len(ended) < selected:
        terminalreporter.write_line(
            f"{selected - len(ended)} of {selected} selected tests not run: the run stopped early", yellow=True
        )

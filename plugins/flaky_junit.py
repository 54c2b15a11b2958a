"""The flaky tests' JUnit XML: each failed attempt in its test's ``<testcase>``, as Maven Surefire writes them.

pytest's junitxml writes one ``<testcase>`` per report it is told of: a retried test's is rewritten here, on the
controller, once pytest has written the file (``plugins.flaky``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import TYPE_CHECKING

from _pytest.junitxml import bin_xml_escape, mangle_test_address

if TYPE_CHECKING:
    from .flaky import Attempts


def budget_verdict(flaky: int, allowed: int) -> str:
    """Say that the run has more flaky tests than ``--max-flaky`` allows."""
    return f"{flaky} flaky tests, more than --max-flaky={allowed}: the run fails"


def write_attempts_to_junit(
    path: str, tests: dict[str, Attempts], prefix: str | None = None, max_flaky: int | None = None
) -> None:
    """Add each failed attempt to its test's ``<testcase>``, as Surefire does; one testcase per test; and the verdict
    of a run with more flaky tests than ``max_flaky`` to its ``<testsuite>``.

    ``prefix`` is pytest's ``--junit-prefix``, which starts each testcase's classname.
    """
    flaky = sorted(nodeid for nodeid, attempts in tests.items() if attempts.flaky)
    tree = ElementTree.parse(path)
    by_name: dict[tuple[str, str], Attempts] = {}
    for nodeid, attempts in tests.items():
        names = mangle_test_address(nodeid)
        classname = ".".join([prefix, *names[:-1]] if prefix else names[:-1])
        by_name[(classname, names[-1])] = attempts
    for suite in tree.getroot().iter("testsuite"):
        seen: dict[tuple[str, str], ElementTree.Element] = {}
        for case in list(suite.findall("testcase")):
            if case.get("name") is None and not len(case):  # what xdist leaves of a crashed worker's test
                suite.remove(case)
                continue
            key = (case.get("classname", ""), case.get("name", ""))
            if key in seen:  # an earlier attempt's entry, or its call's beside its teardown's: one stands for all
                keep_outcomes(seen[key], case)
                suite.remove(seen[key])
            seen[key] = case
        for key, case in seen.items():
            attempts = by_name.get(key)
            if attempts and attempts.failures:
                add_failed_attempts(case, attempts)
            if attempts and attempts.failed:  # under its quarantine too: CI servers read only these links
                link_final_attempt(case, attempts)
            skipped = case.find("skipped")
            if attempts and attempts.quarantined and skipped is not None and not skipped.text:
                skipped.text = bin_xml_escape(attempts.quarantined.text)  # the error its quarantine turned
            if attempts and attempts.interrupted and case.find("failure") is None and case.find("error") is None:
                said = "the run stopped during this test's retry: it neither passed nor failed"
                ElementTree.SubElement(case, "error", message=said, type="Interrupted")
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        for count, kind in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            suite.set(count, str(sum(case.find(kind) is not None for case in cases)))
        if max_flaky is not None and len(flaky) > max_flaky:
            add_budget_verdict(suite, flaky, max_flaky)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def keep_outcomes(earlier: ElementTree.Element, case: ElementTree.Element) -> None:
    """Move ``earlier``'s ``<failure>`` or ``<error>`` into ``case``, which stands for the test from now on.

    pytest writes a test whose call failed and whose teardown failed too as two testcases (the call's failure, then
    the teardown's error); an earlier attempt's testcase holds neither (its reports are reruns), so nothing of a
    retried attempt's moves: its failure is a ``<rerunFailure>``. The words it printed move with its outcome when the
    later testcase does not hold them already (junit_logging).
    """
    for position, kind in enumerate(("failure", "error")):
        found = earlier.find(kind)
        if found is not None and case.find(kind) is None:
            case.insert(position, found)
    if earlier.find("failure") is None and earlier.find("error") is None:
        return
    for kind in ("system-out", "system-err"):
        said = "".join(out.text or "" for out in case.findall(kind))
        for out in earlier.findall(kind):
            if out.text and out.text not in said:
                case.append(out)


def add_budget_verdict(suite: ElementTree.Element, flaky: list[str], allowed: int) -> None:
    """Say in ``suite`` why the run failed though its counts say all passed: more flaky tests than ``allowed``.

    Where the JUnit format keeps a run's own facts, as pytest's ``record_testsuite_property`` and Surefire's system
    properties: ``<properties>`` (first) for what reads it, and the testsuite's ``<system-err>`` (last) for the
    dashboards that show a suite's output. The counts stay the tests' own. scripts/merge_junit.py writes the same
    for all shards, in place of each shard's.
    """
    properties = suite.find("properties")
    if properties is None:
        properties = ElementTree.Element("properties")
        suite.insert(0, properties)
    verdict = budget_verdict(len(flaky), allowed)
    for name, value in (("max_flaky", str(allowed)), ("flaky", str(len(flaky))), ("verdict", verdict)):
        ElementTree.SubElement(properties, "property", name=name, value=value)
    said = "\n".join([verdict, *(f"FLAKY {nodeid}" for nodeid in flaky)])
    ElementTree.SubElement(suite, "system-err").text = bin_xml_escape(said)


def link_final_attempt(case: ElementTree.Element, attempts: Attempts) -> None:
    """Link a failed test's last attempt's files (its screenshot, its trace) in its ``<system-out>``, as
    ``[[ATTACHMENT|...]]`` lines, as each earlier attempt's are: pytest lists them as properties only. A quarantined
    test's failure is linked so too: its evidence is what its quarantine is for.

    The files the test attached itself are there already (plugins/evidence.py): each is linked once."""
    if not attempts.artifacts:
        return
    said = "\n".join(out.text or "" for out in case.findall("system-out"))
    links = [f"[[ATTACHMENT|{path}]]" for _, path in attempts.artifacts[max(attempts.artifacts)]]
    links = [link for link in links if link not in said]
    if not links:
        return
    out = case.find("system-out")
    if out is None:
        out = ElementTree.SubElement(case, "system-out")
    out.text = "\n".join(filter(None, [out.text or "", *links]))


def add_failed_attempts(case: ElementTree.Element, attempts: Attempts) -> None:
    """Append a failed attempt's ``flakyFailure`` (the test passed at last) or ``rerunFailure`` to ``case``:
    ``flakyError``/``rerunError`` when the attempt failed in a fixture, not in the test; its files linked.

    The words are escaped as pytest escapes its own: XML forbids control characters (a colour code).
    """
    for index, failure in sorted(attempts.failures.items()):
        tag = ("flaky" if attempts.flaky else "rerun") + ("Failure" if failure.in_call else "Error")
        element = ElementTree.SubElement(case, tag, message=bin_xml_escape(failure.message), type=failure.kind)
        ElementTree.SubElement(element, "stackTrace").text = bin_xml_escape(failure.text)
        links = "\n".join(f"[[ATTACHMENT|{path}]]" for _, path in attempts.artifacts.get(index, []))
        ElementTree.SubElement(element, "system-out").text = bin_xml_escape(links)

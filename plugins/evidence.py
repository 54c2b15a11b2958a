"""A test's evidence files, written safely and shown in the HTML report and in JUnit.

Each test writes only its own files (named after it, in its output folder), each through a
temporary file and ``os.replace``, so parallel workers and shards never see half a file. What a
test attaches goes on its report: pytest-html shows it (``report.extras``, linked as
pytest-playwright links screenshots, or embedded with ``--self-contained-html``), JUnit lists it as
properties and, as CI servers read attachments, as ``[[ATTACHMENT|path]]`` lines in system-out.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import shutil
import stat
import tempfile
import urllib.parse
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .shown_paths import remember_caller, send_caller, shown_path

ATTACHED = pytest.StashKey[list["Attachment"]]()  # a test's evidence, in the order attached


@dataclass(frozen=True)
class Attachment:
    """A file of the test's (a PNG or a JSON), or JSON data to show without a file."""

    kind: str  # "png" or "json"
    name: str
    path: str | None = None
    data: Any = None


def new_file_mode() -> int:
    """Return the mode ``open()`` gives a new file here: 0666 less the umask."""
    try:  # Linux tells the umask; setting it to read it would race the run's other threads
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it and ``os.replace``.

    The file keeps its mode, or gets a new file's (mkstemp's 0600 would hide a baseline from Git, other
    users and the web server showing the report).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = new_file_mode()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def attach(item: pytest.Item, kind: str, name: str, path: Path | None = None, data: Any = None) -> None:
    """Show a file ``path`` (``kind``: "png" or "json"), or JSON ``data``, in ``item``'s reports under ``name``."""
    item.stash.setdefault(ATTACHED, []).append(Attachment(kind, name, None if path is None else str(path), data))


def html_extras(config: pytest.Config, attached: list[Attachment]) -> list[dict[str, Any]]:
    """Return pytest-html extras for the attached files: links beside the report, or embedded when self-contained."""
    html = config.pluginmanager.getplugin("html")
    html_path = getattr(config.option, "htmlpath", None)
    if html is None or not html_path:
        return []
    report_dir = Path(config.invocation_params.dir, os.path.expandvars(html_path)).expanduser().parent
    embed = config.getoption("self_contained_html", default=False)
    extras = []
    for one in attached:
        if one.kind == "json":
            data = one.data if one.path is None else json.loads(Path(one.path).read_text(encoding="utf-8"))
            extras.append(html.extras.json(data, name=one.name))
        elif one.path is None:
            continue
        elif embed:
            extras.append(html.extras.png(base64.b64encode(Path(one.path).read_bytes()).decode(), name=one.name))
        else:
            relative = os.path.relpath(one.path, report_dir)
            extras.append(html.extras.png(urllib.parse.quote(Path(relative).as_posix()), name=one.name))
    return extras


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    """Put the test's attached files on its call report (HTML extras, JUnit properties)."""
    report = yield
    attached = item.stash.get(ATTACHED, [])
    if report.when == "teardown":
        item.stash[ATTACHED] = []  # a rerun attaches its own
    if report.when != "call" or not attached:
        return report
    report.extras = [*getattr(report, "extras", []), *html_extras(item.config, attached)]
    files = [(one.name, shown_path(item.config, one.path)) for one in attached if one.path is not None]
    report.suite_attachments = [path for _, path in files]  # for JUnit's system-out, on the controller (below)
    item.user_properties.extend((f"attachment: {name}", path) for name, path in files)
    return report


class JunitAttachments:
    """Adds ``[[ATTACHMENT|path]]`` lines to a test case's system-out in JUnit XML (Jenkins and GitLab read them)."""

    def __init__(self, junit: Any) -> None:
        self.junit = junit  # pytest's JUnit writer: a test case stays open until its teardown report

    @pytest.hookimpl(trylast=True)  # after the writer recorded the call (its failure comes first)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        paths = getattr(report, "suite_attachments", None)
        if report.when != "call" or not paths:
            return
        element = ElementTree.Element("system-out")
        element.text = "".join(f"[[ATTACHMENT|{path}]]\n" for path in paths)
        self.junit.node_reporter(report).append(element)


@pytest.hookimpl(trylast=True)  # after junitxml made its writer
def pytest_configure(config: pytest.Config) -> None:
    remember_caller(config)
    # pytest-playwright's screenshots and traces named by the same rule as the suite's own files (its rule is
    # relative to where pytest started, which run.sh makes the project's). Without its function, it keeps its own.
    with suppress(ImportError):
        from pytest_playwright import pytest_playwright

        if hasattr(pytest_playwright, "_path_for_report"):
            pytest_playwright._path_for_report = shown_path
    try:
        from _pytest.junitxml import xml_key  # where pytest keeps its JUnit writer (not on xdist's workers)
    except ImportError:  # another pytest: the attachments stay properties only
        return
    junit = config.stash.get(xml_key, None)
    if junit is not None and not config.pluginmanager.has_plugin("suite-junit-attachments"):
        config.pluginmanager.register(JunitAttachments(junit), "suite-junit-attachments")


@pytest.hookimpl(optionalhook=True)  # xdist's: a run without it (-p no:xdist) has no such hook
def pytest_configure_node(node: Any) -> None:
    send_caller(node)


def root_defaults(option: Any, root: Path) -> None:
    """Put the reports and the evidence in the repository's folders when their paths are pyproject's defaults,
    wherever pytest starts (an IDE starts it in the test's folder): pytest reads them from where it started."""
    defaults = {"xmlpath": "reports/junit.xml", "htmlpath": "reports/report.html", "output": "test-results"}
    for name, default in defaults.items():
        if getattr(option, name, None) == default:
            setattr(option, name, str(root / default))


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir() -> None:
    """pytest-playwright's, made harmless: it emptied the output folder at each xdist worker's first test, so a
    worker started again after a crash deleted the evidence of every failure before it. The run's start empties
    the folder instead, once, before any worker (``pytest_sessionstart``)."""


@pytest.hookimpl(tryfirst=True)  # before xdist starts its workers
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly or hasattr(config, "workerinput"):
        return
    folder = Path(config.getoption("--output"))
    if config.rootpath.resolve().is_relative_to(folder.resolve()):  # "--output ." would empty the repository
        raise pytest.UsageError(
            f"--output {folder} holds the project ({config.rootpath}), and the run's start empties it: "
            "give the failures' evidence a folder of its own (default: test-results)"
        )
    foreign = foreign_entries(folder, default=config.rootpath / "test-results")
    if foreign:
        raise pytest.UsageError(
            f"--output {folder} holds files this suite did not write ({foreign[0].name}"
            f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}), and the run's start empties it: "
            "give the failures' evidence an empty or new folder (default: test-results)"
        )
    kept = empty_folder(folder)
    mark_as_output(folder)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if kept and reporter is not None:  # another user's (a run as root before), read-only: its files stay among ours
        reporter.write_line(
            f"{folder}: {len(kept)} of the last run's files could not be deleted ({kept[0]}: {kept[0].strerror}); "
            "they stay among this run's evidence: delete them (as the user who made them)",
            yellow=True,
        )


# Written in each output folder the suite empties: a folder with entries and without it is someone else's, not emptied.
OUTPUT_MARK = ".suite-output"


def foreign_entries(folder: Path, *, default: Path) -> list[Path]:
    """Return what ``folder`` holds if the suite never wrote there (no ``OUTPUT_MARK``), else nothing: an ``--output``
    that names the tests' folder or a home folder is not emptied. The default folder is the suite's by its name."""
    if not folder.is_dir() or (folder / OUTPUT_MARK).exists() or folder.resolve() == default.resolve():
        return []
    return sorted(folder.iterdir())


def mark_as_output(folder: Path) -> None:
    """Make ``folder`` (if need be) and mark it as the suite's output, so the next run may empty it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / OUTPUT_MARK).write_text(
            "The failures' evidence of this project's test runs: emptied at each run's start.\n"
        )
    except OSError:  # read-only: the evidence cannot be written either, which its own writes say
        pass


def empty_folder(folder: Path) -> list[OSError]:
    """Delete what ``folder`` holds, keeping the folder (it may be a container's mount point, which cannot go);
    return why each entry that stayed could not be deleted."""
    kept: list[OSError] = []

    def note(error: OSError) -> None:
        if error.errno != errno.ENOTEMPTY:  # a folder left holding what could not be deleted: that is said
            kept.append(error)

    if not folder.is_dir():
        return kept
    for entry in folder.iterdir():
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, onerror=lambda _function, _path, raised: note(raised[1]))
            else:
                entry.unlink(missing_ok=True)
        except OSError as error:
            note(error)
    return kept

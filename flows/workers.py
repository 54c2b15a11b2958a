"""Apply checked rows through the UI with N workers, each a signed-in browser of its own.

Playwright's sync API belongs to the thread that started it, so each worker is a thread with
its own ``portal_session`` (its own driver and browser, launched here or by a Playwright
server), signed in once (see ``job_sign_in``). Rows are handed out by customer: one worker takes
all the rows of a customer, in file order, so two rows of one customer never run at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from pages import PageCrashedError
from pages.exceptions import first_line

from .account_row import again, traced
from .accounts_plan import RowTask
from .base_url import normalize_base_url
from .job_sign_in import JobSignIn
from .journal import Journal
from .outcomes import FAILED, RowOutcome
from .rest import PortalClient, TokenSource
from .secret_folder import secret_folder
from .sign_in import stop_waits_on, totp_secret_or_env

WORKER_NAME = "accounts-worker"  # each worker thread's name, numbered


def workers_running() -> bool:
    """Whether a worker thread is still running in this process (a second Ctrl-C stopped the wait for it)."""
    return any(thread.name.startswith(WORKER_NAME) and thread.is_alive() for thread in threading.enumerate())


@dataclass(frozen=True)
class Workers:
    """Who applies the rows, in how many browsers, and what each keeps of a failed row."""

    base_url: str
    user: str
    password: str | None = field(repr=False)  # a traceback shows the workers' repr among its arguments
    count: int = 1
    # Passed to each worker's portal_session: browser options (headed, slowmo, locale, ws_endpoint...)
    # and sign-in options (e.g. a TOTP secret, a saved sign-in), so a new way to sign in needs no change here.
    session_options: Mapping[str, Any] = field(default_factory=dict)
    traces: Path | None = None  # a folder for the trace of each row that failed twice; None records none
    setup_context: Callable[[BrowserContext], None] | None = None  # called on each worker's signed-in context

    def __post_init__(self) -> None:
        # Checked before any browser starts: a wrong count or address would fail later, further from its cause.
        normalize_base_url(self.base_url)
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise TypeError(f"workers is a whole number of browsers, 1 or more: not {self.count!r}")
        if self.count < 1:
            raise ValueError(f"workers is how many browsers apply the rows: 1 or more, not {self.count}")


class WorkerFailure(Exception):
    """The workers stopped before every row was done; the run cannot go on."""


def by_customer(tasks: list[RowTask]) -> list[list[RowTask]]:
    """Return the tasks grouped by customer, each group in file order, groups by their first row."""
    groups: dict[str, list[RowTask]] = {}
    for task in sorted(tasks, key=lambda task: task.row.number):
        groups.setdefault(task.customer_id, []).append(task)
    return list(groups.values())


class Pool:
    """The workers of a run. The first signs in before the check (it may get the API its tokens);
    the others start with the rows, signing in by single sign-on from its provider session."""

    def __init__(self, workers: Workers) -> None:
        self.workers = workers
        self.folder = secret_folder()  # the shared sign-in, a secret
        self.sign_in = JobSignIn(
            workers.base_url, workers.user, workers.password, workers.session_options, Path(self.folder.name)
        )
        self.groups: queue.SimpleQueue[list[RowTask]] = queue.SimpleQueue()
        self.results: queue.SimpleQueue[RowOutcome | BaseException] = queue.SimpleQueue()
        self.go, self.stop = threading.Event(), threading.Event()
        self.died: set[int] = set()  # rows whose browser died under them once
        self.threads: list[threading.Thread] = []
        self.client: PortalClient | None = None
        self.journal = Journal(None)
        self.api_client_id: str | None = None
        self.abandoned = False  # a second Ctrl-C stopped the wait for the rows under way: they are the journal's
        self.working, self.ended = 0, threading.Condition()  # the workers not yet ended, told as each ends

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self, count: int) -> None:
        """Start workers until there are ``count``; the first signs in for all."""
        while len(self.threads) < count:
            self.spawn(self.work, not self.threads)

    def spawn(self, work: Callable[..., None], *args: object) -> threading.Thread:
        """Start a worker's thread running ``work(*args)``; ``finish`` waits for it to end."""

        def run() -> None:
            try:
                work(*args)
            finally:
                with self.ended:
                    self.working -= 1
                    self.ended.notify_all()

        # A daemon: a second Ctrl-C ends the process without waiting; the journal says where it stopped.
        thread = threading.Thread(target=run, name=f"{WORKER_NAME}-{len(self.threads) + 1}", daemon=True)
        with self.ended:
            self.working += 1
        self.threads.append(thread)
        thread.start()
        return thread

    def api_tokens(self, api_client_id: str) -> TokenSource:
        """Sign the first worker in now; return the REST API's tokens, from its provider session."""
        self.api_client_id = api_client_id
        self.start(1)
        return self.sign_in.api_tokens(api_client_id, self.stop)

    def next_group(self) -> list[RowTask]:
        """Return the next customer's rows, or none when every group is taken or the run stops."""
        if self.stop.is_set():
            return []
        try:
            return list(self.groups.get_nowait())
        except queue.Empty:
            return []

    def work(self, first: bool) -> None:
        """Sign in, then run groups of rows until none is left; start another browser if this one dies."""
        pending: list[RowTask] = []
        stop_waits_on(self.stop)  # a sign-in waiting for the next code hears the run stop
        try:
            while not self.stop.is_set():
                with self.sign_in.session(first=first, stop=self.stop) as page:
                    if first:
                        self.sign_in.share(page, self.api_client_id)
                    first = False  # this worker's next browser signs in by single sign-on
                    while not self.go.wait(0.5):  # the rows come once they are checked
                        if self.stop.is_set():
                            return
                    pending = pending or self.next_group()
                    if not pending:
                        return
                    pending = self.run_rows(page, pending)
                if not pending:
                    return
        except BaseException as error:  # reported to the run, which stops
            self.sign_in.fail(error)
            self.results.put(error)

    def run_rows(self, page: Page, pending: list[RowTask]) -> list[RowTask]:
        """Run rows in this browser; return the rows left when it died (none when the work is done)."""
        assert self.client is not None  # set by run(), before the rows are handed out
        if self.workers.setup_context:
            self.workers.setup_context(page.context)
        # What a sign-in renewed in a traced try types: kept out of its trace
        typed = [self.workers.password, totp_secret_or_env(self.workers.session_options.get("totp_secret"))]
        while pending and not self.stop.is_set():  # stopped: the rows not done are left for a resume
            task = pending.pop(0)
            try:
                # A row tried again after a portal outage runs in a new page: the next rows too.
                outcome, page = traced(page, task, self.client, self.journal, self.workers.traces, self.stop, typed)
            # The browser died under this row (a step says so as PageCrashedError): once, it is tried in the next.
            except (PlaywrightError, PageCrashedError) as error:
                if task.row.number not in self.died:
                    self.died.add(task.row.number)
                    return [again(task, self.journal), *pending]
                outcome = RowOutcome(task.row.number, task.row.customer, FAILED, task.customer_id, task.changes)
                outcome.messages = [f"the browser died twice under this row: {first_line(error)}"]
                self.report(task, outcome)
                return pending or self.next_group()
            self.report(task, outcome)
            pending = pending or self.next_group()
        return []

    def report(self, task: RowTask, outcome: RowOutcome) -> None:
        """Record a row's outcome in the journal, then hand it to the run."""
        self.journal.finished(task.row, outcome)
        self.results.put(outcome)

    def run(
        self,
        tasks: list[RowTask],
        client: PortalClient,
        journal: Journal,
        on_outcome: Callable[[RowOutcome], None] | None = None,
    ) -> list[RowOutcome]:
        """Apply the checked tasks; return their outcomes as they finish. An error stops every worker."""
        if not tasks:
            return []
        for group in by_customer(tasks):
            self.groups.put(group)
        self.client, self.journal = client, journal
        self.start(max(1, min(self.workers.count, self.groups.qsize())))
        self.go.set()
        outcomes: list[RowOutcome] = []
        while len(outcomes) < len(tasks):
            try:
                result = self.results.get(timeout=0.5)  # a timeout, so Ctrl-C is heard
            except queue.Empty:
                if any(thread.is_alive() for thread in self.threads):
                    continue
                raise WorkerFailure(f"the workers stopped after {len(outcomes)} of {len(tasks)} rows") from None
            if isinstance(result, BaseException):
                raise result
            outcomes.append(result)
            if on_outcome:
                on_outcome(result)
        return outcomes

    def finish(self) -> list[RowOutcome]:
        """Stop the workers, each finishing the row it is on; return the outcomes ``run`` did not take (a run
        stopped: the rows finished meanwhile are done all the same).

        A second Ctrl-C meanwhile ends the wait: the rows still under way are left to the journal (``abandoned``).
        """
        self.stop.set()
        self.go.set()
        try:  # not Thread.join: interrupted, it can leave a running thread said to be dead (CPython #90882)
            with self.ended:
                while self.working and not self.abandoned:
                    self.ended.wait(0.5)  # in slices: a second Ctrl-C is heard
        except KeyboardInterrupt:
            self.abandoned = True
        finished: list[RowOutcome] = []
        while not self.results.empty():
            result = self.results.get_nowait()
            if isinstance(result, RowOutcome):
                finished.append(result)
        return finished

    def close(self) -> None:
        """Stop the workers (each finishes the row it is on) and forget the shared sign-in."""
        self.finish()
        self.folder.cleanup()

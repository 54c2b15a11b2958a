"""A stop (Ctrl-C, SIGTERM, SIGHUP) never cuts Playwright's connection between a call sent and its answer noted: cut
there, the connection failed the next call ("Cannot find command to respond"), a trace's stop among them."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import pytest
from playwright.sync_api import Page

from flows import stopping_signals

pytestmark = pytest.mark.tooling  # a blank page: no portal


def test_playwright_s_connection_sending_a_call_is_known_at_work(page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the connection's own hand-off of each call it sends (after sending, before noting the answer awaited)
    connection = page._impl_obj._connection  # type: ignore[attr-defined]
    at_work: list[bool] = []
    send = connection.onmessage

    def sending(message: dict[str, Any]) -> None:
        at_work.append(stopping_signals.within_playwright_connection(sys._getframe()))
        send(message)

    monkeypatch.setattr(connection, "onmessage", sending)

    # When a call is sent, then the stack is known as the connection at work; this test's own frame is not
    page.title()
    assert at_work and all(at_work), at_work
    assert not stopping_signals.within_playwright_connection(sys._getframe())


def test_a_stop_within_the_connection_comes_again_to_the_main_thread_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stopping_signals, "within_playwright_connection", lambda frame: True)
    monkeypatch.setattr(stopping_signals, "deferred", set())
    later: list[threading.Timer] = []
    monkeypatch.setattr(stopping_signals.threading.Timer, "start", lambda timer: later.append(timer))
    sent: list[tuple[int | None, int]] = []
    monkeypatch.setattr(stopping_signals.signal, "pthread_kill", lambda thread, signum: sent.append((thread, signum)))
    monkeypatch.setattr(stopping_signals.signal, "getsignal", lambda signum: stopping_signals.terminate)

    # When SIGTERM comes twice within the connection at work, then it is put off, once
    stopping_signals.terminate(signal.SIGTERM, None)
    stopping_signals.terminate(signal.SIGTERM, None)
    assert len(later) == 1 and later[0].interval == stopping_signals.AGAIN_AFTER_S and later[0].daemon

    # ... and comes again to the main thread (whose wait for the browser wakes for its own signals only)
    later[0].function(*later[0].args)
    assert sent == [(threading.main_thread().ident, signal.SIGTERM)]


def test_a_stop_put_off_as_the_run_ended_is_not_sent_under_the_handlers_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SIGTERM's default would kill the process at once, without its last words and clean-up
    monkeypatch.setattr(stopping_signals, "deferred", {signal.SIGTERM})
    monkeypatch.setattr(stopping_signals.signal, "getsignal", lambda signum: signal.SIG_DFL)
    sent: list[int] = []
    monkeypatch.setattr(stopping_signals.signal, "pthread_kill", lambda thread, signum: sent.append(signum))

    stopping_signals.come_again(signal.SIGTERM)

    assert sent == []


def test_a_stop_out_of_the_connection_stops_the_run_there() -> None:
    with pytest.raises(KeyboardInterrupt) as interrupted:
        stopping_signals.terminate(signal.SIGINT, sys._getframe())
    assert not isinstance(interrupted.value, stopping_signals.Terminated)  # Ctrl-C said as Ctrl-C
    with pytest.raises(stopping_signals.Terminated):
        stopping_signals.terminate(signal.SIGTERM, sys._getframe())


def test_a_stop_that_comes_as_a_call_is_sent_leaves_the_connection_whole(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the run's stops taken, and SIGTERM coming just as a call is sent, before its answer is noted as awaited
    connection = page._impl_obj._connection  # type: ignore[attr-defined]
    send, stopped = connection.onmessage, []

    def sending(message: dict[str, Any]) -> None:
        send(message)
        if not stopped and message["method"] == "evaluateExpression":  # the call itself, not a trace's note of it
            stopped.append(message["method"])
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)  # sent, its answer not awaited yet

    taken = stopping_signals.take_stopping_signals()
    try:
        monkeypatch.setattr(connection, "onmessage", sending)
        # When the call is made, then the stop comes while its answer is awaited
        with pytest.raises(stopping_signals.Terminated):
            page.evaluate("() => new Promise(resolve => setTimeout(() => resolve(1), 2000))")
    finally:
        monkeypatch.undo()
        stopping_signals.put_back_signals(taken)

    # ... and the connection answers the next call, one still awaited when the stopped call's answer comes (cut within
    # the hand-off, that answer found no call awaiting it, and failed the call then awaited)
    assert stopped == ["evaluateExpression"]
    assert page.evaluate("() => new Promise(resolve => setTimeout(() => resolve(2), 2500))") == 2

"""The run's own sign-ins and browser (plugins/sign_ins.py, plugins/browser_recovery.py) in trouble: a refused
password is typed once per run, whatever the number of workers; a gateway's trouble fails a test, not the run; a
browser that died between tests is replaced before the next."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from flows import ClockOffError, SignInError, SignInInterruptedError, SignInStalledError
from plugins import browser_recovery, sign_ins
from plugins.browser_recovery import RecoveringBrowser
from plugins.sign_ins import RunStoppedError, SavedSignIns

pytestmark = pytest.mark.tooling  # the plugin with a stand-in browser: no portal


class NoBrowser:
    """Opens contexts whose pages write a stand-in for a screenshot: the sign-in itself is the test's stand-in."""

    def new_context(self, **_: Any) -> SimpleNamespace:
        page = SimpleNamespace(screenshot=self.screenshot)
        return SimpleNamespace(new_page=lambda: page, close=lambda: None)

    @staticmethod
    def screenshot(path: Path, **_: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"a picture")


def workers(folder: Path, count: int) -> list[SavedSignIns]:
    """Return the sign-ins of ``count`` workers of one run (one folder), each with a session of its own."""
    config = SimpleNamespace(getoption=lambda name: str(folder / "output"), rootpath=folder, invocation_params=None)
    return [
        SavedSignIns(NoBrowser(), "https://portal.test/", "wrong", None, folder, SimpleNamespace(config=config))  # type: ignore[arg-type]
        for _ in range(count)
    ]


def test_a_refused_password_is_typed_once_for_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed: list[str] = []

    def refuse(page: object, user: str, password: str, **_: object) -> None:
        typed.append(password)
        raise SignInError("Your account or password is incorrect.")

    monkeypatch.setattr(sign_ins, "sign_in", refuse)
    monkeypatch.setattr(sign_ins, "shown_path", lambda config, path: path)

    # When four workers of a run each need the role's sign-in
    stopped = []
    for worker in workers(tmp_path, 4):
        with pytest.raises(RunStoppedError) as refused:
            worker.path("global-admin")
        stopped.append(str(refused.value))

    # Then the password went to the portal once: each worker stops, saying the portal refused it
    assert typed == ["wrong"]
    assert all("The portal refused the sign-in of global-admin" in said for said in stopped), stopped
    assert all("the password comes from --portal-password" in said for said in stopped), stopped


def test_a_sign_in_ended_by_a_gateway_s_trouble_fails_the_test_and_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(page: object, user: str, password: str, **_: object) -> None:
        raise SignInInterruptedError("the sign-in ended at an error page (HTTP 503)", status=503)

    monkeypatch.setattr(sign_ins, "sign_in", interrupted)
    monkeypatch.setattr(sign_ins, "shown_path", lambda config, path: path)
    [worker] = workers(tmp_path, 1)

    with pytest.raises(SignInInterruptedError) as failed:
        worker.path("global-admin")

    assert not getattr(worker.session, "shouldstop", False), "the run was stopped"
    # ... keeping a picture of the error page, named in the message: no test's folder would keep the sign-in's page
    shot = tmp_path / "output" / "sign-in-global-admin-stopped.png"
    assert failed.value.status == 503 and str(failed.value).endswith(f"(the page then: {shot})"), failed.value

    # When the test's retry meets the same trouble, its picture is kept beside the first, not over it
    with pytest.raises(SignInInterruptedError) as failed_again:
        worker.path("global-admin")
    again = tmp_path / "output" / "sign-in-global-admin-stopped-2.png"
    assert str(failed_again.value).endswith(f"(the page then: {again})"), failed_again.value
    assert shot.exists() and again.exists()


def test_a_sign_in_that_got_nowhere_in_time_fails_the_test_and_not_the_run_unless_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a provider that shows no step within the timeout (slow, or a page the library does not know), for the
    # run's first sign-in, then for a renewal
    def stalled(page: object, user: str, password: str, **_: object) -> None:
        raise SignInStalledError("At https://login.test/ the sign-in showed no step the library knows")

    monkeypatch.setattr(sign_ins, "sign_in", stalled)
    monkeypatch.setattr(sign_ins, "complete_sign_in", stalled)
    monkeypatch.setattr(sign_ins, "shown_path", lambda config, path: path)
    first, other = workers(tmp_path, 2)

    # When a worker signs in, then its test fails with what happened, photographed: nothing was refused
    with pytest.raises(SignInStalledError) as failed:
        first.path("global-admin")
    assert "refused" not in str(failed.value) and str(failed.value).endswith(".png)"), failed.value
    # ... and the run goes on: no worker is told the password was refused
    with pytest.raises(SignInStalledError):
        other.path("global-admin")
    assert not getattr(first.session, "shouldstop", False) and not getattr(other.session, "shouldstop", False)
    # ... unless it gets nowhere again, in a row: a page of no known step would cost every test a timeout
    with pytest.raises(RunStoppedError, match=r"got nowhere 2 times in a row: At https://login\.test/ the sign-in"):
        first.renewal("global-admin")(object())  # type: ignore[arg-type]
    assert first.session.shouldstop


class LooksConnected:
    """A browser whose "disconnected" Playwright has not told yet."""

    def is_connected(self) -> bool:
        return True

    def on(self, event: str, handler: object) -> None:
        pass


def test_a_browser_whose_process_ended_between_tests_is_replaced_before_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(browser_recovery, "browser_process_id", lambda browser: ended.pid)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    launched: list[LooksConnected] = []
    recovering = RecoveringBrowser(lambda: launched.append(LooksConnected()) or launched[-1], "here")  # type: ignore[arg-type, func-returns-value]
    first = recovering.current

    ended.wait()  # the browser's process ends between two tests: Playwright has not said so yet
    second = recovering.current

    assert len(launched) == 2 and second is not first


def options(**given: object) -> SimpleNamespace:
    """A configuration whose options are ``given`` (--user-domain, --role-user), as pytest's getoption reads them."""
    values = {"--user-domain": None, "--role-user": [], **{f"--{k.replace('_', '-')}": v for k, v in given.items()}}
    return SimpleNamespace(getoption=values.__getitem__)


def test_role_users_are_the_roles_at_a_domain_or_named_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sign_ins.ROLE_USERS_VARIABLE, "sales-agent=vente@contoso.cn")
    config = options(user_domain="contoso.partner.onmschina.cn", role_user=["helpdesk-agent = qa.help@contoso.cn"])

    users = sign_ins.role_users(config)  # type: ignore[arg-type]

    assert users == {
        "global-admin": "global-admin@contoso.partner.onmschina.cn",
        "admin-agent": "admin-agent@contoso.partner.onmschina.cn",
        "sales-agent": "vente@contoso.cn",
        "helpdesk-agent": "qa.help@contoso.cn",
    }
    monkeypatch.delenv(sign_ins.ROLE_USERS_VARIABLE)
    assert sign_ins.role_users(options())["admin-agent"] == "admin-agent"  # type: ignore[arg-type]


@pytest.mark.parametrize("pair", ["boss=x@contoso.cn", "global-admin", "global-admin="])
def test_a_role_user_that_names_no_role_or_no_user_is_a_usage_error(pair: str) -> None:
    with pytest.raises(pytest.UsageError, match="give ROLE=NAME"):
        sign_ins.role_users(options(role_user=[pair]))  # type: ignore[arg-type]


def test_the_run_signs_a_role_in_as_the_user_who_plays_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    typed: list[str] = []
    monkeypatch.setattr(sign_ins, "sign_in", lambda page, user, password, **_: typed.append(user))
    monkeypatch.setattr(sign_ins, "save_sign_in", lambda context, path, extra: path.write_text(json.dumps(extra)))
    [worker] = workers(tmp_path, 1)
    worker.users = {"global-admin": "qa.admin@contoso.partner.onmschina.cn"}

    saved = worker.path("global-admin")

    assert typed == ["qa.admin@contoso.partner.onmschina.cn"]
    assert json.loads(saved.read_text())["user"] == "qa.admin@contoso.partner.onmschina.cn"
    assert "--user qa.admin@contoso.partner.onmschina.cn" in worker.renew_command("global-admin")


def test_a_refused_verification_code_points_at_the_authenticator_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(page: object, user: str, password: str, **_: object) -> None:
        raise SignInError("You didn't enter the expected verification code. Please try again.")

    monkeypatch.setattr(sign_ins, "sign_in", refuse)
    monkeypatch.setattr(sign_ins, "shown_path", lambda config, path: path)
    [worker] = workers(tmp_path, 1)
    worker.totp_secret = "JBSWY3DPEHPK3PXP"  # a secret of another user's authenticator, say

    with pytest.raises(RunStoppedError, match=r"--portal-totp-secret: is it the authenticator of global-admin\?"):
        worker.path("global-admin")


def test_codes_refused_for_a_clock_that_is_off_point_at_the_clock_not_at_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "You didn't enter the expected verification code. (this machine's clock is 90 s ahead of the provider's)"

    def refuse(page: object, user: str, password: str, **_: object) -> None:
        raise ClockOffError(said, 90.0)

    monkeypatch.setattr(sign_ins, "sign_in", refuse)
    monkeypatch.setattr(sign_ins, "shown_path", lambda config, path: path)
    [worker] = workers(tmp_path, 1)
    worker.totp_secret = "PORTALDEMOTOTP23"  # the right one

    with pytest.raises(RunStoppedError) as stopped:
        worker.path("global-admin")

    assert "90 s ahead" in str(stopped.value)
    assert "is it the authenticator" not in str(stopped.value)

"""A machine whose clock is off: its authenticator codes are refused however right the secret, and the refusal
says by how much the clock is off (the identity provider's own answer dates it), not only that a code was wrong."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page

from fixtures.directory import User
from flows import ClockOffError, SignInError, sign_in

# The module, not the function flows exports under its name.
SIGN_IN = sys.modules["flows.sign_in"]

pytestmark = [
    pytest.mark.regression,
    # Against a deployment the role users would spend their codes, and a provider may count refused ones.
    pytest.mark.bundled,
]


@pytest.mark.parametrize(("offset", "said"), [(90, "ahead of"), (-90, "behind")], ids=["ahead", "behind"])
def test_codes_refused_for_a_clock_off_by_a_minute_and_more_say_so_and_by_how_much(
    page: Page, make_user: Callable[[str], User], monkeypatch: pytest.MonkeyPatch, offset: int, said: str
) -> None:
    user = make_user("sales-agent")
    real = time.time
    monkeypatch.setattr(SIGN_IN, "time", SimpleNamespace(time=lambda: real() + offset))  # this machine's clock
    monkeypatch.setattr(SIGN_IN, "wait_for_next_code", lambda: None)  # each code is refused all the same

    with pytest.raises(ClockOffError) as refused:
        sign_in(page, user.name, user.password, totp_secret=user.totp_secret)

    found = re.search(rf"this machine's clock is (\d+) s {said} the identity provider's", str(refused.value))
    assert found, str(refused.value)
    # Off by the Date's one-second steps and the HEAD's round trip (seconds on a loaded machine), never by 30
    assert abs(int(found.group(1)) - abs(offset)) <= 10, str(refused.value)
    assert abs(refused.value.skew_s - offset) <= 10


def test_a_wrong_secret_on_a_clock_that_is_right_says_nothing_of_the_clock(
    page: Page, make_user: Callable[[str], User], monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("sales-agent")
    monkeypatch.setattr(SIGN_IN, "wait_for_next_code", lambda: None)

    with pytest.raises(SignInError, match="expected verification code") as refused:
        sign_in(page, user.name, user.password, totp_secret="JBSWY3DPEHPK3PXP")  # another authenticator's

    assert "clock" not in str(refused.value)
    assert not isinstance(refused.value, ClockOffError)

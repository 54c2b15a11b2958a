"""The authenticator's codes from a TOTP secret as people copy it: in groups of four, as apps show it, in any case."""

from __future__ import annotations

import pyotp
import pytest

from flows.sign_in import Authenticator, check_secret

pytestmark = pytest.mark.tooling
MOMENT = 1_790_000_000  # a fixed moment: the codes compared are of the same 30-second step


@pytest.mark.parametrize("case", [str.upper, str.lower], ids=["upper", "lower"])
def test_a_secret_written_in_groups_of_four_gives_the_codes_of_the_secret_written_whole(case: object) -> None:
    secret = pyotp.random_base32(32)
    grouped = case(" ".join(secret[start : start + 4] for start in range(0, len(secret), 4)))  # type: ignore[operator]

    check_secret(grouped)  # no ValueError: the spaces are how an app shows it, not a mistake

    assert Authenticator(grouped).at(MOMENT) == pyotp.TOTP(secret).at(MOMENT)


def test_a_secret_that_is_no_base32_is_still_refused() -> None:
    with pytest.raises(ValueError, match="is not a usable base32 secret"):
        check_secret("ABCD EFGH 1890 !!!!")

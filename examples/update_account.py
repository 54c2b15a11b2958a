r"""Update a customer's billing address from a plain Python script, and handle each refusal.

    PORTAL_USER=global-admin PORTAL_PASSWORD=portal-demo PORTAL_TOTP_SECRET=PORTALDEMOTOTP23 \
        python examples/update_account.py http://127.0.0.1:8000/ "Customer name" city=Shanghai postalCode=200000

Start the bundled portal first (`./run.sh portal`) or point it at any deployment. The sign-in's
verification code comes from ``$PORTAL_TOTP_SECRET``, the authenticator's secret. Exit codes as
``python -m flows update-account``'s: 2 usage, 3 refused values, 4 conflict, 5 not allowed,
6 no such customer, 7 sign-in refused or signed out, 1 anything else.
"""

from __future__ import annotations

import os
import sys

from flows import (
    EDITABLE_FIELDS,
    CustomerNotFoundError,
    EditConflictError,
    NotAllowedError,
    PortalError,
    SignedOutError,
    SignInError,
    ValidationError,
    portal_session,
    update_customer_account,
)

USAGE = "usage: update_account.py BASE_URL CUSTOMER FIELD=VALUE [FIELD=VALUE ...]"


def parse_changes(assignments: list[str]) -> dict[str, str]:
    """Read ``field=value`` assignments; raise ``ValueError`` naming what is wrong, before any browser starts."""
    if not assignments:
        raise ValueError("no change given")
    malformed = [text for text in assignments if "=" not in text]
    if malformed:
        raise ValueError(f"not FIELD=VALUE: {', '.join(malformed)}")
    changes = dict(assignment.split("=", 1) for assignment in assignments)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"not editable: {', '.join(unknown)} (editable: {', '.join(EDITABLE_FIELDS)})")
    return changes


def main(base_url: str, customer: str, changes: dict[str, str]) -> int:
    """Apply ``changes`` to the customer's billing profile; return an exit code."""
    user, password = os.environ.get("PORTAL_USER", "global-admin"), os.environ.get("PORTAL_PASSWORD", "portal-demo")
    try:
        with portal_session(base_url, user, password) as page:  # the code: $PORTAL_TOTP_SECRET
            profile = update_customer_account(page, customer, changes)
    except ValidationError as error:
        for field, message in error.field_errors.items():
            print(f"refused {field}: {message}")
        if not error.field_errors:  # refused as a whole, at no field: its own words
            print(f"refused: {error}")
        return 3
    except EditConflictError:
        print("someone else changed this customer meanwhile; nothing was saved")
        return 4
    except NotAllowedError as error:
        print(error)
        return 5
    except CustomerNotFoundError as error:
        print(error)
        return 6
    except (SignInError, SignedOutError) as error:  # signed out: a session the portal ended, not renewed
        print(f"sign-in refused: {error}")
        return 7
    except PortalError as error:  # two customers of the name, a portal that does not answer...
        print(f"the portal said: {error}")
        return 1
    except ValueError as error:  # an address without http://, a TOTP secret that is no base32: before any browser
        print(f"{USAGE}\nerror: {error}", file=sys.stderr)
        return 2
    print(f"saved: {profile.addressLine1}, {profile.city} {profile.postalCode} ({profile.country})")
    return 0


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):  # asked how to use it: no error, nothing run
        print(f"{USAGE}\n\n{__doc__}")
        raise SystemExit(0)
    try:
        if len(sys.argv) < 3:
            raise ValueError("a portal's address and a customer are needed")
        given = parse_changes(sys.argv[3:])
    except ValueError as problem:
        print(f"{USAGE}\nerror: {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(main(sys.argv[1], sys.argv[2], given))

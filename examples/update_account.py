"""Update a customer's billing address from a plain Python script, and handle each refusal.

    PORTAL_USER=global-admin PORTAL_PASSWORD=portal-demo PORTAL_TOTP_SECRET=PORTALDEMOTOTP23 \
        python examples/update_account.py http://127.0.0.1:8000/ "Customer name" city=Shanghai postalCode=200000

Start the bundled portal first (`./run.sh portal`) or point it at any deployment. The sign-in's
verification code comes from ``$PORTAL_TOTP_SECRET``, the authenticator's secret.
"""

from __future__ import annotations

import os
import sys

from flows import (
    CustomerNotFoundError,
    EditConflictError,
    NotAllowedError,
    PortalError,
    ValidationError,
    portal_session,
    update_customer_account,
)


def main(base_url: str, customer: str, assignments: list[str]) -> int:
    """Apply ``field=value`` assignments to the customer's billing profile; return an exit code."""
    changes = dict(assignment.split("=", 1) for assignment in assignments)
    user, password = os.environ.get("PORTAL_USER", "global-admin"), os.environ.get("PORTAL_PASSWORD", "portal-demo")
    with portal_session(base_url, user, password) as page:  # the code: $PORTAL_TOTP_SECRET
        try:
            profile = update_customer_account(page, customer, changes)
        except ValidationError as error:
            for field, message in error.field_errors.items():
                print(f"refused {field}: {message}")
            return 3
        except EditConflictError:
            print("someone else changed this customer meanwhile; nothing was saved")
            return 4
        except (NotAllowedError, CustomerNotFoundError) as error:
            print(error)
            return 5
        except PortalError as error:
            print(f"the portal said: {error}")
            return 1
    print(f"saved: {profile.addressLine1}, {profile.city} {profile.postalCode} ({profile.country})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

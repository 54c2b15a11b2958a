"""Check that the suite catches regressions: break one portal behaviour at a time, run the tests
aimed at it, and expect them to fail. Works on a temporary clone of HEAD, never the work tree.

    .venv/bin/python scripts/mutation_check.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-o", "addopts="]


class Mutation(NamedTuple):
    behaviour: str  # what the mutation removes
    path: str
    text: str
    replacement: str
    tests: list[str]  # pytest arguments of the tests that must turn red


MUTATIONS = [
    Mutation(
        "save ignores the etag", "fixtures/portal/billing.py",
        'WHERE customer_id = ? AND etag = ?"', 'WHERE customer_id = ? AND ? IS NOT NULL"',
        ["tests/test_conflict.py"],
    ),
    Mutation(
        "help desk agents may edit", "fixtures/portal/auth.py",
        '"sales-agent"})', '"sales-agent", "helpdesk-agent"})',
        ["tests/test_roles.py"],
    ),
    Mutation(
        "Account page unescaped", "fixtures/portal/templates/customers/account.html",
        "{{ profile[field] }}", "{{ profile[field]|safe }}",
        ["tests/test_hostile_values.py"],
    ),
    Mutation(
        "CN postal code unchecked", "fixtures/portal/countries.py",
        'postal_code_regex=r"^\\d{6}$"', 'postal_code_regex=r"^.*$"',
        ["tests/test_validation.py", "-k", "cn-postal"],
    ),
    Mutation(
        "country taken from the form", "fixtures/portal/customers.py",
        'for f in EDITABLE_FIELDS}}', 'for f in EDITABLE_FIELDS}, "country": request.form.get("country", "CN")}',
        ["tests/test_update_account.py", "-k", "country"],
    ),
    Mutation(
        "search by domain dropped", "fixtures/portal/store.py",
        'None: ("company_name", "domain")', 'None: ("company_name",)',
        ["tests/test_customers_list.py", "-k", "domain"],
    ),
    Mutation(
        "valid fields saved despite errors", "fixtures/portal/customers.py",
        "    if not errors:\n        try:",
        "    if errors:\n        save_billing_profile(db, customer_id, {**typed, **{k: stored[k] for k in errors}},"
        " typed['etag'])\n    if not errors:\n        try:",
        ["tests/test_validation.py", "-k", "blank-first-name or cn-postal-5"],
    ),
    Mutation(
        "French label changed", "fixtures/portal/i18n.py",
        '"edit": ("Edit", "Modifier", "编辑")', '"edit": ("Edit", "Éditer", "编辑")',
        ["tests/test_languages.py", "-m", "smoke"],
    ),
    Mutation(
        "paging stops after the first page", "fixtures/portal/static/customers.js",
        "next.disabled = !tokens[page];", "next.disabled = true;",
        ["tests/test_customers_list.py", "-k", "paging or pages"],
    ),
]  # fmt: skip


def main() -> int:
    """Apply each mutation in turn; return 1 if any went unnoticed."""
    missed = 0
    with tempfile.TemporaryDirectory() as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        for mutation in MUTATIONS:
            target = clone / mutation.path
            original = target.read_text()
            if mutation.text not in original:
                print(f"STALE    {mutation.behaviour}: {mutation.path} no longer holds the text to break")
                missed += 1
                continue
            target.write_text(original.replace(mutation.text, mutation.replacement, 1))
            run = subprocess.run([*PYTEST, *mutation.tests], cwd=clone, capture_output=True, text=True)
            target.write_text(original)
            caught = run.returncode == 1  # 1: tests failed; anything else is an error, not a catch
            missed += not caught
            summary = (run.stdout.strip() or run.stderr.strip()).splitlines()[-1]
            print(f"{'caught' if caught else 'MISSED'}   {mutation.behaviour:<34} {summary}", flush=True)
    print("every mutation was caught" if not missed else f"{missed} mutation(s) not caught")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

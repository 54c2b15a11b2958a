"""The test data factory: a customer it makes never already holds a value a test changes it to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixtures.test_data import CHANGED_TO, LOCALES, CustomerFactory
from pages import BillingProfile

pytestmark = pytest.mark.tooling

TESTS = Path(__file__).parent
# A field's value written in a test: {"city": "Lyon"}, city="Lyon", or a row's "city": "Lyon".
WRITTEN = r"""["']?{field}["']?\s*[:=]\s*"([^"\\]+)\""""
POSTAL_FORMS = re.compile(r"[0-9]{5,6}|[A-Z][0-9][A-Z] [0-9][A-Z][0-9]")  # the forms the factory's postal codes take


def written_in_tests(field: str) -> set[str]:
    """Return every value the tests write for ``field``."""
    pattern = re.compile(WRITTEN.format(field=field))
    return {value for path in TESTS.rglob("test_*.py") for value in pattern.findall(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("country", sorted(LOCALES))
def test_a_new_customer_never_holds_a_value_a_test_changes_it_to(country: str) -> None:
    factory = CustomerFactory(api=None, seed=2026, run_id="check")  # type: ignore[arg-type]  # values() calls no API
    written = {field: written_in_tests(field) for field in CHANGED_TO}
    held = [factory.values(country) for _ in range(600)]  # Chinese surnames: 王 came in one of twelve

    found = sorted({(field, values[field]) for values in held for field in written if values[field] in written[field]})
    assert found == [], f"add these to fixtures.test_data.CHANGED_TO (the factory drew them): {found}"


def test_a_country_without_test_data_is_refused_naming_those_there_are() -> None:
    factory = CustomerFactory(api=None, seed=2026, run_id="check")  # type: ignore[arg-type]  # values() calls no API

    with pytest.raises(ValueError, match=r"No test data for country 'GB': one of CA, CN, FR, MX, US"):
        factory.values("GB")


def test_every_postal_code_a_test_changes_to_is_kept_from_new_customers() -> None:
    # One in 10⁵ draws: no sample finds them, so the list must name each the tests write.
    drawable = {value for value in written_in_tests("postalCode") if POSTAL_FORMS.fullmatch(value)}

    assert sorted(drawable - CHANGED_TO["postalCode"]) == []


def test_a_failed_comparison_of_bill_to_info_names_each_side_as_the_assert_wrote_it(
    pytestconfig: pytest.Config,
) -> None:
    suite = next(
        plugin
        for plugin in pytestconfig.pluginmanager.get_plugins()
        if getattr(plugin, "__file__", "") == str(Path(__file__).resolve().parent.parent / "conftest.py")
    )
    fields = dict.fromkeys(BillingProfile.__dataclass_fields__, "x")
    shown, expected = BillingProfile(**{**fields, "city": "Lyon"}), BillingProfile(**{**fields, "city": "Bron"})

    explained = suite.pytest_assertrepr_compare("==", shown, expected)

    assert explained == ["Bill-to info differs (left == right):", "  city: left 'Lyon' != right 'Bron'"]

"""Run by tests/test_made_customers.py: tests that make customers through a stand-in of the portal's API, which
keeps nothing; the run's summary counts them."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest

from fixtures.test_data import CustomerFactory

made = itertools.count(1)


class StandInApi:
    """Answers ``POST /v1/customers`` as the portal would, with nothing behind it."""

    def create_customer(self, resource: dict[str, Any]) -> SimpleNamespace:
        return SimpleNamespace(id=f"customer-{next(made)}", domain=resource["companyProfile"]["domain"])


@pytest.fixture
def customers(run_id: str, request: pytest.FixtureRequest) -> CustomerFactory:
    """The suite's factory, on the stand-in API; its names end as the suite's do, in the run's tag and the test's."""
    return CustomerFactory(StandInApi(), seed=7, run_id=f"{run_id}-{request.node.name}")  # type: ignore[arg-type]


def test_makes_two(customers: CustomerFactory) -> None:
    customers.create("CN")
    customers.create("FR")


def test_makes_three(customers: CustomerFactory) -> None:
    for _ in range(3):
        customers.create("US")


def test_makes_none(customers: CustomerFactory) -> None:
    assert customers.created == []

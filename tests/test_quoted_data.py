"""A portal's message quoting the customer's data, whose words may be any language's and say anything."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from single_page_form import BILLING, saves, serve

from flows import submit_changes
from pages import AccountEditPage, BillingProfile

pytestmark = pytest.mark.tooling


@pytest.mark.parametrize(
    ("company", "words"),
    [
        pytest.param("未来科技有限公司", "未来科技有限公司的帐单信息已更新", id="zh-company-with-未"),
        pytest.param("No Frills Ltd", "No Frills Ltd: your changes were saved.", id="en-company-with-no"),
        pytest.param("Pas à Pas SARL", "Pas à Pas SARL : modifications enregistrées", id="fr-company-with-pas"),
    ],
)
def test_a_save_whose_alert_quotes_a_name_holding_a_refusal_s_words_is_taken(
    page: Page, company: str, words: str
) -> None:
    # Given a portal that keeps its form after saving and says so in an alert naming the company it saved
    serve(page, saves, keepForm=True, savedAsAlert=True, savedWords=words)

    # When the company's name is changed and submitted
    profile = submit_changes(AccountEditPage(page).wait_until_ready(), {"companyName": company})

    # Then the change is saved: the words of the name are no refusal of the portal's
    assert profile == BillingProfile.from_mapping({**BILLING, "companyName": company})

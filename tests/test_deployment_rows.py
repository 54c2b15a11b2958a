"""A deployment's rows of customers: a persona as the link (the name, its domain beneath), the domain a link of its own,
a header that sorts by a button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from pages import CustomersPage, UnknownPageError

pytestmark = pytest.mark.tooling

CUSTOMERS = [("c1", "Contoso", "contoso.partner.onmschina.cn"), ("c2", "Contoso Pharma", "contosopharma.cn")]
CUSTOMERS += [("c3", "Fabrikam", "fabrikam.partner.onmschina.cn")]
NAMES = [name for _, name, _ in CUSTOMERS]
PERSONA = '<a href="#{id}"><span style="display:block">{name}</span><small style="display:block">{domain}</small></a>'
DOMAIN_LINKED = '<a href="#{id}">{name}</a></td><td><a href="https://{domain}/">{domain}</a>'
BUTTONS = '<button type="button" onclick="location.hash=\'{id}\'">{name}</button></td><td>{domain}'


def show_list(page: Page, cell: str, header: str = "Company name") -> CustomersPage:
    """Show a Customers list whose rows draw their first cell as ``cell`` says; return it waited on."""
    rows = "".join(
        f"<tr><td>{cell.format(id=id_, name=name, domain=domain)}</td></tr>" for id_, name, domain in CUSTOMERS
    )
    page.set_content(
        '<main><h1>Customers</h1><input type="search" aria-label="Search by company name or domain">'
        '<section aria-label="Customers" aria-busy="false"><table>'
        f"<thead><tr><th>{header}</th><th>Domain</th></tr></thead><tbody>{rows}</tbody></table></section></main>"
    )
    return CustomersPage(page).wait_until_ready()


@pytest.mark.parametrize("cell", [PERSONA, DOMAIN_LINKED, BUTTONS], ids=["persona", "domain-linked", "buttons"])
def test_each_row_s_company_name_is_read_and_opens_its_customer(page: Page, cell: str) -> None:
    # Given a list whose rows show each customer's domain beside or beneath its name, in a link of its own or not
    listed = show_list(page, cell, header='<button type="button">Company name</button>')

    # When Contoso is looked for, then it is found once (not Contoso Pharma), and opens its own customer
    found = listed.find("Contoso")
    assert found is not None and listed.links_found == 1
    found.click()
    assert page.url.endswith("#c1")

    # And the company names read are the names alone, the header's sort button none of them
    assert listed.company_names() == NAMES


def test_a_customer_shown_in_a_list_of_cards_rather_than_rows_is_said_so_not_taken_for_absent(page: Page) -> None:
    # Given a Customers list drawn as cards in a bulleted list, no table or grid
    cards = "".join(f'<li><a href="#{id_}">{name}</a><p>{domain}</p></li>' for id_, name, domain in CUSTOMERS)
    page.set_content(
        '<main><h1>Customers</h1><input type="search" aria-label="Search by company name or domain">'
        f'<section aria-label="Customers" aria-busy="false"><ul>{cards}</ul></section></main>'
    )
    listed = CustomersPage(page).wait_until_ready()

    # When Contoso, which it shows, is looked for, then the error says where it is shown, not that it is absent
    with pytest.raises(UnknownPageError, match="shows 'Contoso', but in no table or grid"):
        listed.find("Contoso")

    # And one it does not show is not found
    assert listed.find("Northwind") is None


def test_a_search_term_highlighted_in_a_longer_name_is_not_taken_for_the_customer(page: Page) -> None:
    # Given a list marking the search's words in each name it shows: Contoso Holdings, and Contoso itself
    rows = '<a href="#c1"><mark>Contoso</mark> Holdings</a>', '<a href="#c2"><mark>Contoso</mark></a>'
    page.set_content(
        '<main><h1>Customers</h1><section aria-label="Customers" aria-busy="false"><table>'
        + "".join(f"<tr><td>{row}</td></tr>" for row in rows)
        + "</table></section></main>"
    )
    listed = CustomersPage(page).wait_until_ready()

    # When Contoso is looked for, then Contoso is found, once, and Contoso Holdings is no Contoso
    found = listed.find("Contoso")
    assert found is not None and listed.links_found == 1
    assert found.get_attribute("href") == "#c2"


def test_a_search_answered_in_words_alone_reads_no_company_names_at_once(page: Page) -> None:
    # Given a list whose search found nothing: its words, its table hidden
    page.set_content(
        '<main><h1>Customers</h1><section aria-label="Customers" aria-busy="false">'
        "<p>No customers match your search.</p><table hidden><tbody></tbody></table></section></main>"
    )
    page.set_default_timeout(3_000)  # a wait for a table would end in a timeout, not in no names

    # When its company names are read, then there are none
    assert CustomersPage(page).wait_until_ready().company_names() == []


def test_a_persona_s_initials_no_one_hears_are_no_part_of_its_name(page: Page) -> None:
    # Given a list of personas: the customer's initials (aria-hidden), its name, its domain beneath
    persona = '<a href="#{id}"><div aria-hidden="true">CO</div><div>{name}</div><div>{domain}</div></a>'
    listed = show_list(page, persona)

    # When the company names are read, and Contoso looked for, then they are the names, and Contoso opens its own
    assert listed.company_names() == NAMES
    found = listed.find("Contoso")
    assert found is not None and listed.links_found == 1 and found.get_attribute("href") == "#c1"

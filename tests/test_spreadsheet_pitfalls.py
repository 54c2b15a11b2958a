"""Files of changes as people hand them over: hidden sheets, invisible characters, and what else a file hides."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from flows.field_rules import CountryRules, value_problems
from flows.spreadsheet import AccountRow, SpreadsheetError, read_rows

pytestmark = pytest.mark.tooling  # the library's own parts: no portal


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read_the_first_visible_one_is(tmp_path: Path, state: str) -> None:
    # Given last month's changes on a first sheet since hidden, this month's on the next: Excel shows only those
    workbook = Workbook()
    workbook.active.title = "March"
    workbook.active.append(["customer", "city"])
    workbook.active.append(["Contoso", "Lyon"])
    workbook.active.append(["Northwind", None])
    workbook.active.merge_cells("B2:B3")  # refused on the sheet read: on a hidden one, nothing to say
    workbook.active.sheet_state = state
    april = workbook.create_sheet("April")
    april.append(["customer", "city"])
    april.append(["Fabrikam", "Paris"])
    workbook.save(tmp_path / "changes.xlsx")

    # Then the rows read are the ones the user sees
    assert read_rows(tmp_path / "changes.xlsx") == [AccountRow(2, "Fabrikam", {"city": "Paris"})]


def test_a_visible_sheet_without_changes_after_a_hidden_one_names_both(tmp_path: Path) -> None:
    # Given a hidden sheet of lists, then a visible sheet of notes, then the changes
    workbook = Workbook()
    workbook.active.title = "Lists"
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("Read me").append(["Changes for the Lyon offices"])
    workbook.create_sheet("Changes").append(["customer", "city"])
    workbook.save(tmp_path / "changes.xlsx")

    # Then the error names the sheet read, and says which sheet is hidden
    said = (
        r"No 'customer' column.* \(in \S+'s first visible sheet, 'Read me', the one read; its sheets: "
        r"Lists \(hidden\), Read me, Changes\): move the changes to the first visible sheet"
    )
    with pytest.raises(SpreadsheetError, match=said):
        read_rows(tmp_path / "changes.xlsx")


def test_a_workbook_whose_every_sheet_is_hidden_is_refused_naming_them(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "Changes"
    workbook.active.append(["customer", "city"])
    workbook.active.append(["Contoso", "Lyon"])
    workbook.create_sheet("Lists").sheet_state = "veryHidden"
    workbook.save(tmp_path / "changes.xlsx")
    all_hidden(tmp_path / "changes.xlsx")  # as a program may write it: Excel and openpyxl keep one sheet shown

    with pytest.raises(SpreadsheetError, match=r"changes\.xlsx: every sheet is hidden \(Changes, Lists\): unhide"):
        read_rows(tmp_path / "changes.xlsx")


def all_hidden(path: Path) -> None:
    """Rewrite the workbook at ``path`` so that its visible sheets are hidden too."""
    with zipfile.ZipFile(path) as source:
        parts = {item: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w") as written:
        for item, data in parts.items():
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
            written.writestr(item, data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(codecs.BOM_UTF8 + "customer,city\r\nContoso,Lyon\r\n".encode("utf-8-sig"), id="bom-twice"),
        pytest.param("customer\u200b;city\r\nContoso;Lyon\r\n".encode(), id="zero-width-space"),
        pytest.param(codecs.BOM_UTF8 + "sep=;\r\ncustomer;city\r\nContoso;Lyon\r\n".encode("utf-8-sig"), id="sep-line"),
        pytest.param(
            codecs.BOM_UTF16_LE + "\ufeffcustomer\tcity\r\nContoso\tLyon\r\n".encode("utf-16-le"), id="utf-16-bom-twice"
        ),
    ],
)
def test_a_header_cell_with_an_invisible_character_names_its_column(tmp_path: Path, data: bytes) -> None:
    # Given a header whose first cell starts with a second BOM (text read with its BOM, then saved with one), or a
    # header cell with a zero-width space pasted in: Excel shows "customer"
    (tmp_path / "changes.csv").write_bytes(data)

    # Then the column is the one it shows: not "no 'customer' column" listing a header that reads "customer"
    assert read_rows(tmp_path / "changes.csv") == [AccountRow(2, "Contoso", {"city": "Lyon"})]


def test_an_xlsx_header_cell_with_an_invisible_character_names_its_column(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["\ufeffcustomer", "postalCode\u200b"])
    workbook.active.append(["Contoso", "69001"])
    workbook.save(tmp_path / "changes.xlsx")

    assert read_rows(tmp_path / "changes.xlsx") == [AccountRow(2, "Contoso", {"postalCode": "69001"})]


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_a_utf_32_csv_with_its_bom_reads(tmp_path: Path, encoding: str) -> None:
    # Its BOM starts as UTF-16's little-endian one does: read as UTF-16, each character came with a NUL
    text = "\ufeffcustomer\tcity\r\nMüller GmbH\t上海市\r\n"
    (tmp_path / "changes.csv").write_bytes(text.encode(encoding))

    assert read_rows(tmp_path / "changes.csv") == [AccountRow(2, "Müller GmbH", {"city": "上海市"})]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf_16_without_its_bom_is_refused_saying_so(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "changes.csv").write_bytes("customer\tcity\r\nMüller GmbH\t上海市\r\n".encode(encoding))

    said = r"changes\.csv is UTF-16 text without its byte order mark \(BOM\), .* \"CSV UTF-8 \(comma delimited\)\""
    with pytest.raises(SpreadsheetError, match=said):
        read_rows(tmp_path / "changes.csv")


def test_a_postal_code_whose_leading_zero_a_spreadsheet_dropped_is_said_to_have_lost_it(tmp_path: Path) -> None:
    # Given a postal code typed as a number into a General cell: Excel keeps 1000 for 01000 (and shows 1000)
    workbook = Workbook()
    workbook.active.append(["customer", "postalCode", "phoneNumber"])
    workbook.active.append(["Contoso", 1000, 612345678])
    workbook.save(tmp_path / "changes.xlsx")
    [row] = read_rows(tmp_path / "changes.xlsx")
    france = CountryRules("FR", postal_code_regex=r"^\d{5}$", phone_number_regex=r"^0\d{9}$")

    # Then the check says what became of it, and what to do: not only that 1000 is no French postal code
    problems = value_problems(row.changes, france)
    lost = "A spreadsheet drops a number's leading zeros: format the column as Text"
    assert problems["postalCode"].startswith(
        f"'1000' is not a valid postal code in FR (expected ^\\d{{5}}$): was it '01000'? {lost}"
    )
    assert problems["phoneNumber"].startswith(
        f"'612345678' is not a valid phone number in FR (expected ^0\\d{{9}}$): was it '0612345678'? {lost}"
    )
    # And a value no zero mends is said as it was
    assert value_problems({"postalCode": "1000A"}, france)["postalCode"].endswith("(expected ^\\d{5}$)")
    assert value_problems({"postalCode": "100"}, france)["postalCode"].endswith("(expected ^\\d{5}$)")


def test_rows_hidden_or_filtered_out_that_hold_changes_are_refused_naming_them(tmp_path: Path) -> None:
    # Given a sheet filtered to the rows the user checked: rows 3 and 5 hidden, row 6 hidden and empty
    workbook = Workbook()
    sheet = workbook.active
    for row in (["customer", "city"], ["Contoso", "Lyon"], ["Northwind", "Paris"], ["Fabrikam", "Nice"]):
        sheet.append(row)
    sheet.append(["Tailspin", "Brest"])
    sheet.auto_filter.ref = "A1:B5"
    for hidden in (3, 5, 6):
        sheet.row_dimensions[hidden].hidden = True
    workbook.save(tmp_path / "changes.xlsx")

    # Then nothing is read: the rows the user did not see are named, not applied
    with pytest.raises(
        SpreadsheetError, match=r"rows 3, 5 are hidden \(filtered out, say\), yet the job applies every"
    ):
        read_rows(tmp_path / "changes.xlsx")


def test_hidden_rows_without_values_are_no_changes_and_no_problem(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["customer", "city"])
    sheet.append(["Contoso", "Lyon"])
    sheet.row_dimensions[1].hidden = True  # the header itself hidden: its names are read all the same
    sheet.row_dimensions[3].hidden = True  # empty
    workbook.save(tmp_path / "changes.xlsx")

    assert read_rows(tmp_path / "changes.xlsx") == [AccountRow(2, "Contoso", {"city": "Lyon"})]


def test_a_hidden_column_that_holds_changes_is_refused_naming_it(tmp_path: Path) -> None:
    # Given the city column hidden (and an empty state column hidden too): the person saw only the postal codes
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["customer", "city", "state", "postalCode"])
    sheet.append(["Contoso", "Lyon", None, "69001"])
    sheet.column_dimensions["B"].hidden = True
    sheet.column_dimensions["C"].hidden = True
    workbook.save(tmp_path / "changes.xlsx")

    with pytest.raises(SpreadsheetError, match=r"columns B \(city\) are hidden, yet the job applies every column"):
        read_rows(tmp_path / "changes.xlsx")

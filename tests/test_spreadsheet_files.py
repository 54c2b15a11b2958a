"""Files of changes as Excel saves them: CSV encodings and delimiters, header spellings, XLSX number formats."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from flows.field_rules import value_problems
from flows.spreadsheet import AccountRow, SpreadsheetError, read_rows, rows_from_mappings

pytestmark = pytest.mark.tooling  # the library's own parts: no portal


def csv_file(tmp_path: Path, data: bytes, name: str = "changes.csv") -> Path:
    """Return the path of a CSV file (or ``name``) holding ``data``."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("customer;city\r\nSociété Générale;Orléans\r\n", "cp1252"),
        ("customer,city\r\n华泰通安网络有限公司,上海市\r\n", "gbk"),
    ],
    ids=["french-excel", "chinese-excel"],
)
def test_a_csv_in_the_computer_s_own_encoding_is_refused_not_guessed(tmp_path: Path, text: str, encoding: str) -> None:
    # Windows-1252 and GBK read each other's bytes as text: a wrong guess would type garbled names
    path = csv_file(tmp_path, text.encode(encoding))

    with pytest.raises(SpreadsheetError, match=r'is not UTF-8 text \(line 2; .*"CSV UTF-8 \(comma delimited\)"'):
        read_rows(path)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["little-endian", "big-endian"])
def test_excel_s_unicode_text_utf_16_with_tabs_reads(tmp_path: Path, bom: bytes) -> None:
    encoding = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    path = csv_file(tmp_path, bom + "customer\tcity\r\nMüller GmbH\t上海市\r\n".encode(encoding))

    assert read_rows(path) == [AccountRow(2, "Müller GmbH", {"city": "上海市"})]


@pytest.mark.parametrize("name", ["changes.txt", "changes.TSV"])
def test_excel_s_unicode_text_saved_under_its_own_name_reads(tmp_path: Path, name: str) -> None:
    # Excel names its "Unicode text" .txt; other programs save tabs as .tsv
    path = csv_file(
        tmp_path, codecs.BOM_UTF16_LE + "customer\tcity\r\nMüller GmbH\t上海市\r\n".encode("utf-16-le"), name
    )

    assert read_rows(path) == [AccountRow(2, "Müller GmbH", {"city": "上海市"})]


def test_a_file_of_another_kind_is_refused_naming_those_read(tmp_path: Path) -> None:
    path = csv_file(tmp_path, b"PK\x03\x04", "changes.ods")

    with pytest.raises(SpreadsheetError, match=r"changes\.ods is neither \.csv \(\.txt, \.tsv\) nor \.xlsx: save it"):
        read_rows(path)


def test_excel_s_unicode_text_is_split_at_tabs_even_where_its_one_column_holds_commas(tmp_path: Path) -> None:
    # Given Excel's "Unicode text" of the customers alone, saved as .csv: its header splits into 'customer' anywhere
    path = csv_file(tmp_path, codecs.BOM_UTF16_LE + "customer\r\nContoso, Ltd\r\n".encode("utf-16-le"))

    # Then the name is whole: not "Contoso" and a column without a name holding "Ltd"
    assert read_rows(path) == [AccountRow(2, "Contoso, Ltd", {})]


def test_a_utf_8_csv_with_a_bom_and_semicolons_reads(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "customer;city;postalCode\r\nContoso;Köln;50667\r\n".encode("utf-8-sig"))

    assert read_rows(path) == [AccountRow(2, "Contoso", {"city": "Köln", "postalCode": "50667"})]


def test_excel_s_sep_line_names_the_delimiter_and_the_header_stays_row_1(tmp_path: Path) -> None:
    # "sep=;" first: Excel splits at it and hides the line, whatever its own list separator
    path = csv_file(tmp_path, "sep=;\r\ncustomer;city\r\nContoso, Ltd;Köln\r\n".encode())

    assert read_rows(path) == [AccountRow(2, "Contoso, Ltd", {"city": "Köln"})]


def test_a_comma_is_the_delimiter_when_the_header_has_only_the_customer_column(tmp_path: Path) -> None:
    path = csv_file(tmp_path, b'customer\r\n"Contoso;Fabrikam"\r\n')

    assert read_rows(path) == [AccountRow(2, "Contoso;Fabrikam", {})]


def test_header_names_are_the_api_s_whatever_their_case_and_spaces_around(tmp_path: Path) -> None:
    path = csv_file(tmp_path, b"Customer, City ,postalcode,Postal Code\r\nContoso,Lyon,69001,x\r\n")

    # "Postal Code" is no known name: kept as written, for the job's check to report as unknown
    assert read_rows(path) == [AccountRow(2, "Contoso", {"city": "Lyon", "postalCode": "69001", "Postal Code": "x"})]


def test_two_header_cells_of_one_name_are_refused_with_their_spellings(tmp_path: Path) -> None:
    path = csv_file(tmp_path, b"customer,City,city \r\nContoso,Lyon,Paris\r\n")

    with pytest.raises(SpreadsheetError, match=re.escape("Columns named twice: city (as City and city)")):
        read_rows(path)


def test_a_header_without_a_customer_column_at_any_delimiter_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = csv_file(tmp_path, b"company;city\r\nContoso;Lyon\r\n")

    with pytest.raises(SpreadsheetError) as refused:
        read_rows(path)

    assert str(refused.value) == (
        f"No 'customer' column in {path}: its header row, split at commas, semicolons or tabs, has: company, city; "
        "name the customers' column 'customer', and save it from Excel as \"CSV UTF-8 (comma delimited)\""
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param("customer\nSociété\n".encode() + b"Caf\xe9\n", "is not UTF-8 text (line 3",
                     id="utf-8-with-a-stray-byte"),
        pytest.param(codecs.BOM_UTF16_LE + b"c\x00\x00\xd8", "is not UTF-16 text (line 1)", id="broken-utf-16"),
        pytest.param(b"PK\x03\x04\x00\x00", "is not CSV text (it holds NUL bytes)", id="a-workbook-named-csv"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_text_excel_saves_is_refused_not_garbled(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(SpreadsheetError, match=re.escape(message) + r".*CSV UTF-8 \(comma delimited\)"):
        read_rows(csv_file(tmp_path, data))


def xlsx_postal_code(tmp_path: Path, value: object, number_format: str) -> str:
    """Return the postal code read from a workbook whose one cell holds ``value`` in ``number_format``."""
    workbook = Workbook()
    workbook.active.append(["customer", "postalCode"])
    workbook.active.append(["Contoso", value])
    workbook.active["B2"].number_format = number_format
    workbook.save(tmp_path / "changes.xlsx")
    return read_rows(tmp_path / "changes.xlsx")[0].cells["postalCode"]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        pytest.param(1000, "00000", "01000", id="zip-code"),
        pytest.param(1000.0, "000000", "001000", id="six-zeros-float"),
        pytest.param(21341234, "00000-0000", "02134-1234", id="zip-code-plus-4"),
        pytest.param(21341234, "00000\\-0000", "02134-1234", id="zip-code-plus-4-escaped"),
        pytest.param(123456, "00000", "123456", id="more-digits-than-zeros"),
    ],
)
def test_xlsx_numbers_in_a_zeros_format_read_as_excel_shows_them(
    tmp_path: Path, value: object, number_format: str, shown: str
) -> None:
    assert xlsx_postal_code(tmp_path, value, number_format) == shown


@pytest.mark.parametrize("number_format", ["General", "#,##0", "0.00"])
def test_xlsx_numbers_in_other_formats_read_as_typed(tmp_path: Path, number_format: str) -> None:
    assert xlsx_postal_code(tmp_path, 1000, number_format) == "1000"


def test_a_workbook_whose_first_sheet_holds_no_changes_says_which_sheet_was_read(tmp_path: Path) -> None:
    # Given a workbook with a sheet of notes before the changes
    workbook = Workbook()
    workbook.active.title = "Read me"
    workbook.active.append(["Changes for the Lyon offices, checked by Anne"])
    workbook.create_sheet("Changes").append(["customer", "city"])
    workbook.save(tmp_path / "changes.xlsx")

    # Then the error names the sheet read, and the others
    said = r"No 'customer' column.* \(in \S+'s first sheet, 'Read me', the one read; its sheets: Read me, Changes\)"
    with pytest.raises(SpreadsheetError, match=said):
        read_rows(tmp_path / "changes.xlsx")


def test_a_first_sheet_of_notes_laid_out_with_merged_cells_and_a_date_says_which_sheet_was_read(
    tmp_path: Path,
) -> None:
    # Given a workbook whose first sheet is notes laid out as such sheets are: a paragraph merged across columns,
    # the date they were checked; the changes on the next sheet
    workbook = Workbook()
    workbook.active.title = "Read me"
    workbook.active.append(["Changes for the Lyon offices"])
    workbook.active.append(["Each row moves one customer; the postal codes were checked against the post's list."])
    workbook.active.append(["Checked on", datetime(2026, 3, 4)])
    workbook.active.merge_cells("A2:F2")
    workbook.create_sheet("Changes").append(["customer", "city"])
    workbook.save(tmp_path / "changes.xlsx")

    # Then the error says the changes are not on the sheet read (not to unmerge the notes, or retype their date)
    said = r"No 'customer' column.* \(in \S+'s first sheet, 'Read me', the one read; its sheets: Read me, Changes\)"
    with pytest.raises(SpreadsheetError, match=said):
        read_rows(tmp_path / "changes.xlsx")


def test_a_title_above_the_header_with_merged_cells_says_where_the_header_is(tmp_path: Path) -> None:
    # Given changes under a title and a subtitle, each merged across the table's columns
    workbook = Workbook()
    workbook.active.append(["Customer changes"])
    workbook.active.append(["Lyon offices, March"])
    workbook.active.append(["customer", "city", "postalCode"])
    workbook.active.append(["Contoso", "Lyon", "69001"])
    workbook.active.merge_cells("A1:C1")
    workbook.active.merge_cells("A2:C2")
    workbook.save(tmp_path / "changes.xlsx")

    # Then the error says where the header is, which deleting the rows above it mends (their merges with them)
    with pytest.raises(SpreadsheetError, match=r"the header \(the row with the 'customer' column\) is row 3"):
        read_rows(tmp_path / "changes.xlsx")


def test_rows_given_as_mappings_take_the_api_s_names_in_any_case_as_a_file_does() -> None:
    rows = rows_from_mappings([{"Customer": "Contoso", " City ": "Lyon", "postalcode": 69001}])

    assert rows == [AccountRow(1, "Contoso", {"city": "Lyon", "postalCode": "69001"})]
    with pytest.raises(SpreadsheetError, match="Row 1 names 'city' twice"):
        rows_from_mappings([{"customer": "Contoso", "city": "Lyon", "City": "Paris"}])


def test_a_quote_never_closed_is_refused_naming_the_line_where_it_opened(tmp_path: Path) -> None:
    # Read leniently, the quote would take the rows after it as one cell: those customers gone without a word
    path = csv_file(tmp_path, 'customer;city;postalCode\r\nVallée;"Lyon;69001\r\nLemaire;Paris;75002\r\n'.encode())

    with pytest.raises(SpreadsheetError, match=r"changes\.csv, line 2: .*a quote opened and never closed"):
        read_rows(path)


@pytest.mark.parametrize("header", ['"customer;city', 'customer;"city'])
def test_a_quote_never_closed_in_the_header_is_refused_naming_the_line_too(tmp_path: Path, header: str) -> None:
    # Before its customer column, the quote took the whole file into one cell: said as "no 'customer' column"
    path = csv_file(tmp_path, f"{header};postalCode\r\nVallée;Lyon;69001\r\n".encode())

    with pytest.raises(SpreadsheetError, match=r"changes\.csv, line 1: .*a quote opened and never closed"):
        read_rows(path)


def test_text_written_decomposed_reads_as_the_same_text_composed(tmp_path: Path) -> None:
    path = csv_file(tmp_path, "customer,firstName\r\nContoso,Timothe\u0301e\r\n".encode())  # as macOS may write it

    assert read_rows(path)[0].cells == {"firstName": "Timoth\u00e9e"}  # as the portal holds it: no change to make


def test_an_error_a_formula_left_in_a_workbook_is_read_as_the_error_it_is(tmp_path: Path) -> None:
    # Given a lookup that failed: Excel saves "#N/A" as the cell's value (an error cell, not text)
    workbook = Workbook()
    workbook.active.append(["customer", "city"])
    workbook.active.append(["Contoso", "#N/A"])
    assert workbook.active["B2"].data_type == "e"
    workbook.save(tmp_path / "changes.xlsx")

    # Then the row asks for "#N/A", which the job's check refuses as a spreadsheet's error (not a city)
    [row] = read_rows(tmp_path / "changes.xlsx")
    assert value_problems(row.changes, None) == {
        "city": "'#N/A' is a spreadsheet's error (a formula that failed), not a value: mend it"
    }


@pytest.mark.parametrize("above", ["Changes for the Lyon offices,\r\n\r\n", "\r\n\r\n", "Bureaux de Lyon;;\r\n;;\r\n"])
def test_a_csv_header_below_a_title_or_blank_lines_is_said_to_belong_in_row_1(tmp_path: Path, above: str) -> None:
    # Given a CSV as Excel saves a sheet with a title (or blank rows) above its header: its advice, not "no column"
    delimiter = ";" if ";" in above else ","
    (tmp_path / "changes.csv").write_text(above + f"customer{delimiter}city\r\nContoso{delimiter}Lyon\r\n")

    with pytest.raises(SpreadsheetError, match=r"changes\.csv: the header .* is row 3; it must be row 1: delete"):
        read_rows(tmp_path / "changes.csv")


def test_a_header_below_a_title_or_blank_rows_is_said_to_belong_in_row_1(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["Changes for the Lyon offices"])
    workbook.active.append([])
    workbook.active.append(["customer", "city"])
    workbook.active.append(["Contoso", "Lyon"])
    workbook.save(tmp_path / "changes.xlsx")

    with pytest.raises(SpreadsheetError, match=r"changes\.xlsx: the header .* is row 3; it must be row 1: delete"):
        read_rows(tmp_path / "changes.xlsx")


def with_sheet_changed(path: Path, change: Callable[[bytes], bytes | None]) -> Path:
    """Rewrite the workbook at ``path`` with its first sheet's XML changed by ``change`` (left out for None)."""
    with zipfile.ZipFile(path) as source:
        parts = {item: source.read(item) for item in source.infolist()}
    with zipfile.ZipFile(path, "w") as written:
        for item, data in parts.items():
            kept = change(data) if item.filename == "xl/worksheets/sheet1.xml" else data
            if kept is not None:
                written.writestr(item, kept)
    return path


def with_dimension(path: Path, dimension: str) -> Path:
    """Rewrite the workbook at ``path`` so its first sheet says it spans ``dimension``, as some programs write it."""

    def spanning(sheet: bytes) -> bytes:
        sheet, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>'.encode(), sheet)
        assert count == 1
        return sheet

    return with_sheet_changed(path, spanning)


@pytest.mark.parametrize("dimension", ["A1", "A1:B3"], ids=["one-cell", "two-rows-one-field"])
def test_a_workbook_that_says_it_is_smaller_than_it_is_reads_every_row_and_column(
    tmp_path: Path, dimension: str
) -> None:
    # Given five rows of changes, in a workbook whose sheet says it spans fewer (as some exporters write it)
    workbook = Workbook()
    workbook.active.append(["customer", "city", "postalCode"])
    for n in range(5):
        workbook.active.append([f"Customer {n}", "Lyon", f"6900{n}"])
    workbook.save(tmp_path / "changes.xlsx")
    with_dimension(tmp_path / "changes.xlsx", dimension)

    # Then every row is read, with every column: none left out without a word
    rows = read_rows(tmp_path / "changes.xlsx")
    assert [(row.customer, row.changes) for row in rows] == [
        (f"Customer {n}", {"city": "Lyon", "postalCode": f"6900{n}"}) for n in range(5)
    ]


def test_merged_cells_below_the_header_are_refused_naming_them(tmp_path: Path) -> None:
    # Given a city typed once for two customers, merged down over both rows; a postal code merged over two columns
    workbook = Workbook()
    workbook.active.append(["customer", "city", "postalCode", "addressLine2"])
    workbook.active.append(["Contoso", "上海市", "200000", None])
    workbook.active.append(["Fabrikam", None, "200001", None])
    workbook.active.merge_cells("B2:B3")
    workbook.active.merge_cells("C3:D3")
    workbook.active.merge_cells("E1:F1")  # above the rows, over columns without values: nothing is lost
    workbook.save(tmp_path / "changes.xlsx")

    # Then the file is refused, naming the merged cells: Fabrikam's city would read empty, and be left alone
    said = r"changes\.xlsx: merged cells in B2:B3, C3:D3: .* only its first cell holds the value: unmerge them"
    with pytest.raises(SpreadsheetError, match=said):
        read_rows(tmp_path / "changes.xlsx")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        pytest.param(datetime(2026, 3, 4), "C2 (a date: 2026-03-04 00:00:00)", id="date"),
        pytest.param(time(12, 30), "C2 (a time: 12:30:00)", id="time"),
        pytest.param(True, "C2 (TRUE)", id="boolean"),
    ],
)
def test_a_cell_excel_holds_as_a_date_or_true_false_is_refused_naming_it(
    tmp_path: Path, value: object, said: str
) -> None:
    # Given an address line Excel took for a date as it was typed ("3-4"), or a cell holding TRUE
    workbook = Workbook()
    workbook.active.append(["customer", "city", "addressLine2"])
    workbook.active.append(["Contoso", "Lyon", value])
    workbook.save(tmp_path / "changes.xlsx")

    # Then the file is refused, naming the cell: no field of a billing profile is a date or a yes/no
    with pytest.raises(SpreadsheetError, match=rf"changes\.xlsx: .* in {re.escape(said)}: .*format .* as Text"):
        read_rows(tmp_path / "changes.xlsx")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda sheet: sheet[: len(sheet) // 2], r"as a workbook: its sheet 'Sheet' is damaged \("),
        (lambda sheet: sheet.replace(b"<v>", b"<v>x"), r"as a workbook: its sheet 'Sheet' is damaged \(invalid"),
        (lambda sheet: None, r"holds no worksheet: save the changes in one"),
    ],
    ids=["cut-short", "a-number-that-is-not", "its-sheet-lost"],
)
def test_a_damaged_workbook_is_refused_naming_what_is_wrong_not_a_traceback(
    tmp_path: Path, change: Callable[[bytes], bytes | None], said: str
) -> None:
    # Given a workbook whose sheet was damaged after it was saved (its rows are read only once the file is opened)
    workbook = Workbook()
    workbook.active.append(["customer", "city", "postalCode"])
    workbook.active.append(["Contoso", "Lyon", 69001])
    workbook.save(tmp_path / "changes.xlsx")
    damaged = with_sheet_changed(tmp_path / "changes.xlsx", change)

    with pytest.raises(SpreadsheetError, match=rf"changes\.xlsx:? {said}"):
        read_rows(damaged)

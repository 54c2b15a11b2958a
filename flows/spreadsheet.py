"""Rows of account changes from a CSV or XLSX file, and the results of a run as CSV or JSON.

A file has a ``customer`` column (a company name, or a Microsoft ID) and one column per
billing field to change, named as the REST API names them (``city``, ``postalCode``...). An
empty cell leaves that field alone. Rows are numbered as a spreadsheet shows them: the
header is row 1.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .outcomes import RowOutcome

CUSTOMER_COLUMN = "customer"


class SpreadsheetError(ValueError):
    """The file cannot be read as rows of changes; the message says why."""


@dataclass(frozen=True)
class AccountRow:
    """One row: which customer, and the value of every other column (empty: leave the field alone)."""

    number: int
    customer: str
    cells: Mapping[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> dict[str, str]:
        """Return the non-empty cells: the fields to change and their new values."""
        return {column: value for column, value in self.cells.items() if value}

    def content_hash(self) -> str:
        """Return a digest of what the row asks for, to tell whether it is the row a journal recorded."""
        content = json.dumps([self.customer, sorted(self.changes.items())], ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:16]


def cell_text(value: object) -> str:
    """Return a cell's value as text: a whole number without ``.0``, a date in ISO 8601, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a postal code typed into a spreadsheet becomes a number
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def rows_from_table(header: Sequence[object], records: Iterable[Sequence[object]], first: int = 2) -> list[AccountRow]:
    """Return the rows of a table whose first row is ``header``; blank records are skipped, numbers kept."""
    names = [cell_text(name) or f"(column {index + 1}, no name)" for index, name in enumerate(header)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SpreadsheetError(f"Columns named twice: {', '.join(repeated)}")
    if CUSTOMER_COLUMN not in names:
        raise SpreadsheetError(f"No {CUSTOMER_COLUMN!r} column; the header row has: {', '.join(names) or 'nothing'}")
    rows = []
    for number, record in enumerate(records, start=first):
        values = [cell_text(value) for value in record]
        if not any(values):
            continue
        values += [""] * (len(names) - len(values))
        extra = [f"(column {index + 1}, no name)" for index in range(len(names), len(values))]
        cells = dict(zip([*names, *extra], values, strict=True))
        customer = cells.pop(CUSTOMER_COLUMN)
        # A column without a name and without values is a spreadsheet's leftover, not a field.
        rows.append(AccountRow(number, customer, {k: v for k, v in cells.items() if v or not k.startswith("(")}))
    return rows


def rows_from_mappings(mappings: Iterable[Mapping[str, object]]) -> list[AccountRow]:
    """Return rows from mappings such as ``{"customer": "Contoso", "city": "Shanghai"}``, numbered from 1."""
    return [
        AccountRow(number, cell_text(mapping.get(CUSTOMER_COLUMN)),
                   {str(k): cell_text(v) for k, v in mapping.items() if k != CUSTOMER_COLUMN})
        for number, mapping in enumerate(mappings, start=1)
    ]  # fmt: skip


def read_rows(path: str | Path) -> list[AccountRow]:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file of changes."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as file:  # utf-8-sig drops a BOM if there is one
                table = list(csv.reader(file))
        elif suffix == ".xlsx":
            table = read_xlsx(path)
        else:
            raise SpreadsheetError(f"{path} is neither .csv nor .xlsx")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SpreadsheetError(f"Cannot read {path}: {error}") from None
    if not table:
        raise SpreadsheetError(f"{path} is empty: expected a header row with a {CUSTOMER_COLUMN!r} column")
    return rows_from_table(table[0], table[1:])


def read_xlsx(path: Path) -> list[Sequence[object]]:
    """Return the cell values of the workbook's first sheet, row by row; a formula gives the value Excel saved.

    A formula saved without its value (a file written by a program, never opened in Excel) is
    refused, naming its cells: read as empty, it would silently leave its field alone.
    """
    cells = sheet_rows(path, data_only=False)
    formulas = [cell for row in cells for cell in row if cell.data_type == "f"]
    if not formulas:
        return [[cell.value for cell in row] for row in cells]
    values = sheet_rows(path, data_only=True)
    # A formula whose saved result is an empty text has no value, but the type "str".
    saved = {cell.coordinate for row in values for cell in row if cell.value is not None or cell.data_type == "str"}
    unsaved = [cell.coordinate for cell in formulas if cell.coordinate not in saved]
    if unsaved:
        listed = ", ".join(unsaved[:10]) + (f" and {len(unsaved) - 10} more" if len(unsaved) > 10 else "")
        raise SpreadsheetError(
            f"{path}: formulas without a saved value in {listed}: open the file in Excel and save it, "
            "or type the values"
        )
    return [[cell.value for cell in row] for row in values]


def sheet_rows(path: Path, *, data_only: bool) -> list[list[Any]]:
    """Return the cells of the workbook's first sheet, formulas as written or as the values last saved."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise SpreadsheetError("Reading .xlsx needs openpyxl: pip install openpyxl (or save the file as CSV)") from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise SpreadsheetError(f"Cannot read {path} as a workbook: {error}") from None
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows()]
    finally:
        workbook.close()


def write_results(path: str | Path, outcomes: Sequence[RowOutcome]) -> None:
    """Write the outcomes to ``path``: JSON for ``.json``, else CSV with a before and after column per field."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")  # never a half-written results file
    if path.suffix.lower() == ".json":
        temporary.write_text(json.dumps([o.as_dict() for o in outcomes], ensure_ascii=False, indent=2) + "\n")
    else:
        fields = list(dict.fromkeys(name for o in outcomes for name in o.wanted))
        header = ["row", "customer", "outcome", "customer_id"]
        header += [f"{name} {when}" for name in fields for when in ("wanted", "before", "after")]
        header += ["messages", "seconds", "trace"]
        with temporary.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            for o in outcomes:
                values = [getattr(o, when).get(name, "") for name in fields for when in ("wanted", "before", "after")]
                writer.writerow(
                    [o.row, o.customer, o.outcome, o.customer_id, *values, " | ".join(o.messages), f"{o.seconds:.2f}",
                     o.trace]
                )  # fmt: skip
    os.replace(temporary, path)

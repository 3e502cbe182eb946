"""Spreadsheets in and out: CSV and XLSX files as rows of named cells (tablib + openpyxl).

One layout serves the export and the import, so a file exported, edited in a spreadsheet
and imported again round-trips: one row per fact (an event or a proceeding) with its
person's columns repeated, or one row per person without facts.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

import tablib

from casetracker.cases.dates import PartialDate

# The columns, in the order the export writes them; ``help`` is shown on the upload page.
COLUMNS = {
    "person_id": "casetracker's ID of the person (filled in by the export; leave empty for "
                 "new people)",
    "person_url": "The person's public page (export only; ignored by the import)",
    "external_id": "Your own stable ID for the person: rows with the same ID are one person",
    "name": "Full name in Latin script, given name first",
    "aliases": "Other spellings, separated by “;”",
    "sex": "male, female or unknown",
    "birth_year": "Year of birth, four digits",
    "country": "Country name or two-letter code (Tajikistan or TJ)",
    "occupation": "Occupation or role",
    "status": "imprisoned, detained, released, in_exile, deceased, disappeared, at_liberty, "
              "unknown",
    "involvement": "target (default) or related",
    "summary": "Two or three public sentences",
    "event_id": "casetracker's ID of the event (export only)",
    "event_kind": "arrest, detention, torture, … (see the admin for the full list)",
    "event_date": "2015, 2015-09 or 2015-09-16 — only as precise as the source",
    "event_place": "Town, facility or region",
    "event_country": "Where it happened",
    "event_description": "What happened",
    "proceeding_id": "casetracker's ID of the trial (export only)",
    "court": "The court, as recorded in casetracker",
    "verdict_date": "Date of the verdict",
    "outcome": "convicted (default), pending, acquitted, dismissed, unknown",
    "sentence_years": "Years of the prison term, in figures",
    "sentence_months": "Months on top of the years, in figures",
    "life_sentence": "yes for life imprisonment",
    "fine": "Amount and currency as reported",
    "confiscation": "yes when property was confiscated",
    "appeal": "none, pending, upheld, reduced, increased, overturned, not_appealed",
    "closed_trial": "yes when held behind closed doors",
    "charges": "Charges, separated by “;” (“fraud; extremism”)",
    "proceeding_description": "About the trial",
    "source_slug": "The key of a recorded source, or of a new one",
    "source_title": "Title of the article or report the row comes from",
    "source_publisher": "Its publisher",
    "source_date": "Its publication date",
    "source_url": "Its address",
    "passage": "The passage of the source that says so",
}
EXPORT_ONLY = {"person_url"}
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class SheetError(ValueError):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (row number as the spreadsheet shows it, cells)


def file_format(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in FORMATS:
        raise SheetError(f"“{file_name}” is not a CSV or XLSX file: save the spreadsheet as "
                         "CSV (.csv) or Excel (.xlsx) and try again.")
    return FORMATS[suffix]


def _column_name(header) -> str:
    return "_".join(str(header or "").strip().lower().replace("-", " ").split())


def _cell(value):
    """A cell as text, a number or a date; empty cells become ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return " ".join(value.replace("\u00a0", " ").split()) if "\n" not in value \
            else value.strip()
    return value


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("The CSV file is not in a text encoding casetracker reads (UTF-8 or "
                     "Windows-1251): save it again as “CSV UTF-8”.")


def read_sheet(*, content: bytes, file_name: str) -> Sheet:
    """Read the first sheet of a CSV or XLSX file; the first row holds the column names."""
    kind = file_format(file_name)
    dataset = tablib.Dataset()
    try:
        if kind == "csv":
            text = _decode(content)
            try:
                delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
            dataset.load(text, format="csv", delimiter=delimiter)
        else:
            dataset.load(io.BytesIO(content), format="xlsx")
    except SheetError:
        raise
    except Exception as error:  # the libraries raise many kinds: name the file, not the class
        raise SheetError(f"“{file_name}” could not be read as {kind.upper()}: it may be "
                         f"damaged or in another format ({error}).") from error
    if not dataset.headers:
        raise SheetError(f"“{file_name}” is empty: the first row must name the columns.")
    columns = [_column_name(header) for header in dataset.headers]
    known = [column for column in columns if column in COLUMNS]
    if not {"name", "person_id", "external_id", "source_slug", "source_title"} & set(known):
        raise SheetError(
            f"“{file_name}” has none of the columns casetracker needs: the first row must name "
            "the columns, with at least “name” (see the list of columns on the import page)."
        )
    duplicates = sorted({column for column in known if known.count(column) > 1})
    if duplicates:
        raise SheetError(f"The column(s) {', '.join(duplicates)} appear twice in the first row: "
                         "keep one of each.")
    rows = []
    for index, values in enumerate(dataset, start=2):
        cells = {column: _cell(value) for column, value in zip(columns, values, strict=False)
                 if column in COLUMNS and column not in EXPORT_ONLY}
        if any(value != "" for value in cells.values()):
            rows.append((index, cells))
    ignored = [column for column in columns if column not in COLUMNS]
    return Sheet(columns=known, ignored_columns=ignored, rows=rows)


def _export_value(value):
    if isinstance(value, PartialDate):
        return value.isoformat()
    if value is None:
        return ""
    return value


def write_sheet(rows: list[dict], *, file_format_name: str) -> bytes:
    """The rows in the import layout, as CSV (UTF-8) or XLSX bytes."""
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for row in rows:
        dataset.append([_export_value(row.get(column, "")) for column in COLUMNS])
    if file_format_name == "csv":
        return dataset.export("csv").encode("utf-8")
    return dataset.export("xlsx")

"""Spreadsheets in and out: CSV and XLSX files as rows of named cells (tablib + openpyxl).

One layout serves the export and the import, so a file exported, edited in a spreadsheet
and imported again round-trips: one row per fact (an event or a proceeding) with its
person's columns repeated, or one row per person without facts.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import openpyxl
import tablib

from casetracker.cases.dates import PartialDate
from casetracker.cases.exports import FORMULA_TRIGGERS, spreadsheet_cell

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
#: What one file may hold. A spreadsheet is read whole into memory and planned row by row;
#: past these it is refused with a message, before any parsing (an XLSX file is a zip: its
#: unpacked size is read from the archive's directory, so a zip bomb is never inflated).
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class SheetError(ValueError):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Sheet:
    columns: list[str]
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (row number as the spreadsheet shows it, cells)
    encoding: str = ""  # how a CSV file's bytes were read as text, in words


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
        if value[:1] == "'" and value[1:2] in FORMULA_TRIGGERS:
            value = value[1:]  # a cell the export defused (spreadsheet_cell): as it was
        return " ".join(value.replace("\u00a0", " ").split()) if "\n" not in value \
            else value.strip()
    return value


#: The encodings a spreadsheet saved as CSV comes in when it is not UTF-8: Windows' Cyrillic
#: and Western code pages (Excel's "CSV" on a Russian or a European system).
LEGACY_ENCODINGS = ["cp1251", "cp1252"]


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in, in words.

    UTF-8 (what casetracker writes) and UTF-16 with its byte-order mark (Excel's "Unicode
    text") are taken as they are; otherwise charset-normalizer tells Windows-1251 from
    Windows-1252 by which reads as text, so "Müller" is not read as "Mьller": the dry run
    names the encoding, for staff to check the names it shows.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "UTF-16"
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(content, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise SheetError("The CSV file is not text in an encoding casetracker recognises "
                         "(UTF-8, Windows-1251 or Windows-1252): save it again as “CSV UTF-8”.")
    names = {"cp1251": "Windows-1251 (Cyrillic)", "cp1252": "Windows-1252 (Western)"}
    return str(best), f"{names.get(best.encoding, best.encoding)}, detected: save the file " \
                      "as UTF-8 to be sure"


def _check_size(content: bytes, kind: str, file_name: str):
    if len(content) > MAX_BYTES:
        raise SheetError(f"“{file_name}” is larger than {MAX_BYTES // 2**20} MB: split it into "
                         "smaller files.")
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                unpacked = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            raise SheetError(f"“{file_name}” could not be read as XLSX: it is not an Excel "
                             "file (it may be damaged, or another format renamed .xlsx).") \
                from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise SheetError(f"“{file_name}” unpacks to {unpacked // 2**20} MB, more than a "
                             f"spreadsheet of {MAX_ROWS:,} rows needs: split it, or save it "
                             "as CSV.")


def _check_rows(count: int, file_name: str):
    if count > MAX_ROWS + 1:  # the first row names the columns
        raise SheetError(f"“{file_name}” has more than {MAX_ROWS:,} rows: split it into files "
                         f"of at most {MAX_ROWS:,} rows.")


def read_sheet(*, content: bytes, file_name: str) -> Sheet:
    """Read the first sheet of a CSV or XLSX file; the first row holds the column names."""
    kind = file_format(file_name)
    _check_size(content, kind, file_name)
    dataset = tablib.Dataset()
    encoding = ""
    try:
        if kind == "csv":
            text, encoding = _decode(content)
            _check_rows(text.count("\n"), file_name)
            try:
                delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
            except csv.Error:
                delimiter = ","
            dataset.load(text, format="csv", delimiter=delimiter)
        else:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            _check_rows(workbook.worksheets[0].max_row or 0, file_name)
            workbook.close()
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
    return Sheet(columns=known, ignored_columns=ignored, rows=rows, encoding=encoding)


def _export_value(value):
    if isinstance(value, PartialDate):
        return value.isoformat()
    if value is None:
        return ""
    return value


def write_sheet(rows: list[dict], *, file_format_name: str) -> bytes:
    """The rows in the import layout, as CSV (UTF-8) or XLSX bytes.

    Nothing in either runs as a formula when a spreadsheet opens it, whatever a partner
    typed into a name or a summary: CSV cells are defused as the API's and the site's are
    (``spreadsheet_cell``; the import reads them back as they were), and XLSX cells are
    written as text, never as formulas.
    """
    if file_format_name == "csv":
        dataset = tablib.Dataset(headers=list(COLUMNS))
        for row in rows:
            dataset.append([spreadsheet_cell(_export_value(row.get(column, "")))
                            if isinstance(row.get(column), str) else
                            _export_value(row.get(column, "")) for column in COLUMNS])
        return dataset.export("csv").encode("utf-8")
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("people")
    sheet.append(list(COLUMNS))
    for row in rows:
        cells = []
        for column in COLUMNS:
            cell = openpyxl.cell.WriteOnlyCell(sheet, value=_export_value(row.get(column, "")))
            if cell.data_type == "f":  # text that openpyxl took for a formula
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()

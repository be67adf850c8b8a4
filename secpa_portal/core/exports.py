"""Streamed exports for French spreadsheets: CSV (``;``, UTF-8 BOM, decimal comma) or XLSX (openpyxl
write-only, spooled to a temporary file so memory stays flat). The apps describe their columns; rows come
from their scoped, filtered querysets, so an export's totals are its page's.

An XLSX opens as a spreadsheet user expects: the header row frozen and filterable, columns wide enough for
their header, dates shown ``jj/mm/aaaa``, amounts with two decimals; decimals are rounded to the places their
column asks (FTE to two), in the CSV too.

Text typed by users (a structure named ``=HYPERLINK(…)``, a reason, a payment reference) never becomes a
formula: in CSV a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
with ``'``; in XLSX every text cell is written as a string cell. Numbers stay numbers (``-12,50`` included).
Every export writes its cells through ``csv_value`` / ``xlsx_cell`` here."""

import csv
import datetime
import tempfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 10, 60
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # row -> value
    money: bool = False
    places: int | None = None  # decimals rounded half-up to this many places (money: 2)
    width: int | None = None  # XLSX column width in characters (default: the header's, within bounds)

    def cell(self, row):
        value = self.value(row)
        places = 2 if self.money and self.places is None else self.places
        if places is not None and isinstance(value, (Decimal, float)) and not isinstance(value, bool):
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return value

    @property
    def xlsx_width(self) -> int:
        return self.width or min(max(len(str(self.header)) + 2, MIN_WIDTH), MAX_WIDTH)


class Echo:
    """A file-like object whose ``write`` returns the line, so ``csv.writer`` can feed a streaming response."""

    def write(self, value):
        return value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, prefixed with ``'`` so it shows as typed."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_value(value) -> str:
    """One CSV cell: French number and date formats; text neutralised (``neutralise``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        return str(value)
    return neutralise(str(value))


def xlsx_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (int, Decimal, datetime.date)):
        return value
    return str(value)  # lazy translations, labels


def stream_csv(columns, rows):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow([str(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([csv_value(c.cell(row)) for c in columns])


def csv_response(columns, rows, filename):
    response = StreamingHttpResponse(stream_csv(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def workbook_response(workbook, filename):
    """Spool a write-only workbook to a temporary file (flat memory), then stream it."""
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def prepare_sheet(sheet, headers, widths):
    """Before any row of a write-only sheet: frozen header, column widths, the header row itself."""
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([str(header) for header in headers])


def finish_sheet(sheet, columns: int, rows: int):
    """After the last row: an autofilter over the header and every row."""
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{rows + 1}"


def xlsx_cell(sheet, value, *, money=False):
    """One XLSX cell; text is always a string cell (openpyxl would make ``=…`` a formula)."""
    converted = xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=converted)
    if isinstance(converted, str):
        cell.data_type = "s"
    if money:
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_response(columns, rows, filename, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    prepare_sheet(sheet, [c.header for c in columns], [c.xlsx_width for c in columns])
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, column.cell(row), money=column.money) for column in columns])
        count += 1
    finish_sheet(sheet, len(columns), count)
    return workbook_response(workbook, filename)


def respond(fmt, columns, rows, filename, title):
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    if fmt == "xlsx":
        return xlsx_response(columns, rows, filename, title)
    return csv_response(columns, rows, filename)

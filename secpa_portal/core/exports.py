"""Streamed exports for French spreadsheets: CSV (``;``, UTF-8 BOM, decimal comma) or XLSX (openpyxl
write-only, spooled to a temporary file so memory stays flat). The apps describe their columns; rows come
from their scoped, filtered querysets, so an export's totals are its page's."""

import csv
import datetime
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, Http404, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

BOM = "\ufeff"
MONEY_FORMAT = "#,##0.00"
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # row -> value
    money: bool = False


class Echo:
    """A file-like object whose ``write`` returns the line, so ``csv.writer`` can feed a streaming response."""

    def write(self, value):
        return value


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def xlsx_value(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (int, Decimal, datetime.date)):
        return value
    return str(value)  # lazy translations, labels


def stream_csv(columns, rows):
    writer = csv.writer(Echo(), delimiter=";", lineterminator="\r\n")
    yield BOM + writer.writerow([str(c.header) for c in columns])
    for row in rows:
        yield writer.writerow([csv_value(c.value(row)) for c in columns])


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


def xlsx_response(columns, rows, filename, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([str(c.header) for c in columns])
    for row in rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=xlsx_value(column.value(row)))
            if column.money:
                cell.number_format = MONEY_FORMAT
            cells.append(cell)
        sheet.append(cells)
    return workbook_response(workbook, filename)


def respond(fmt, columns, rows, filename, title):
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    if fmt == "xlsx":
        return xlsx_response(columns, rows, filename, title)
    return csv_response(columns, rows, filename)

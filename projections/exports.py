"""A scenario as an XLSX workbook (core exports mechanism: write-only, frozen header, string cells for text):
one sheet of assumptions, then one per table of the results."""

from django.utils.text import slugify
from openpyxl import Workbook

from secpa_portal.core.exports import finish_sheet, prepare_sheet, workbook_response, xlsx_cell

from . import report


def _sheet(workbook, title, headers, rows, money_from=1):
    sheet = workbook.create_sheet(title[:31])
    prepare_sheet(sheet, headers, [max(len(str(h)) + 2, 14) for h in headers[:1]] + [16] * (len(headers) - 1))
    for row in rows:
        sheet.append(
            [
                xlsx_cell(sheet, value, money=index >= money_from and not isinstance(value, str))
                for index, value in enumerate(row)
            ]
        )
    finish_sheet(sheet, len(headers), len(rows))


def workbook(scenario):
    data = report.tables(scenario)
    book = Workbook(write_only=True)
    assumptions = [
        ("Nom du scénario", scenario.name),
        ("Première année", scenario.first_year),
        ("Horizon (années)", scenario.horizon),
        ("Structures sous convention", scenario.include_conventioned),
        ("Structures éligibles sans convention", scenario.include_eligible),
        ("Dossiers en instruction", scenario.include_in_review),
        ("Barème de la campagne", scenario.campaign.year),
        ("Indexation annuelle du barème (%)", scenario.indexation),
        ("Montée en charge, première année (%)", scenario.ramp_up),
        ("Attrition annuelle (%)", scenario.attrition),
        ("Dépenses de l'assurance maladie (€)", scenario.spending),
        ("Source des dépenses", scenario.spending_source),
        (f"Enveloppe de la campagne {data.envelope_year or scenario.campaign.year} (€)", data.envelope),
        ("Hypothèses et commentaires", scenario.notes),
    ]
    sheet = book.create_sheet("Hypothèses")
    prepare_sheet(sheet, ["Hypothèse", "Valeur"], [44, 60])
    for label, value in assumptions:
        sheet.append([xlsx_cell(sheet, label), xlsx_cell(sheet, value)])
    finish_sheet(sheet, 2, len(assumptions))

    years = [str(y) for y in data.years]
    _sheet(
        book,
        "Par année",
        ["Année", "Coût (€)", "Écart avec l'enveloppe (€)", "Part des dépenses (%)"],
        [[str(y), total, diff, share] for y, total, diff, share in data.year_rows],
    )
    for title, rows in (
        ("Par population", data.populations),
        ("Par région", data.regions),
        ("Par territoire", data.territories),
        ("Par composante", data.components),
    ):
        _sheet(
            book,
            title,
            [title.removeprefix("Par ").capitalize(), *years, "Total"],
            [[row.label, *row.values, row.total] for row in rows],
        )
    return workbook_response(book, f"scenario-{scenario.pk}-{slugify(scenario.name)[:40]}")

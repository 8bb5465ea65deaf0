"""Fixtures of the indicator tables: the real catalogue from the fixture
file, workbooks written with openpyxl as offices fill them, and helpers to
read workbooks back."""

import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from indicators.catalogue import catalogue_load
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from indicators.services import import_workbook

YEARS = ["Năm 2015", "Năm 2016", "Năm 2017", "Năm 2018", "Năm 2019", "Năm 2020 (Tính đến 31/3)"]


@pytest.fixture
def catalogue(db):
    catalogue_load()
    return SimpleNamespace(
        pl03=lambda number: Indicator.objects.get(template__code="PL03", number=number),
        pl07=lambda number: Indicator.objects.get(template__code="PL07", number=number),
        ks=lambda number, year: Indicator.objects.get(
            template__code="KS", number=number, template__valid_from_year=year
        ),
    )


def workbook_bytes(build) -> bytes:
    """A workbook made by ``build(workbook)``, saved by openpyxl."""
    workbook = Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def office_sheet(sheet, rows, *, title="Phụ lục 03:", years=YEARS, start=1):
    """An office's table: title rows, the merged period header, the rows."""
    sheet.cell(row=start, column=1, value=title)
    sheet.cell(row=start + 1, column=1, value="Thống kê các chỉ tiêu")
    header = start + 3
    sheet.cell(row=header, column=1, value="STT")
    sheet.cell(row=header, column=2, value="Chỉ tiêu")
    sheet.cell(row=header, column=3, value="Giai đoạn 2015 - 2020")
    sheet.merge_cells(start_row=header, start_column=3, end_row=header, end_column=2 + len(years))
    for offset, text in enumerate(years):
        sheet.cell(row=header + 1, column=3 + offset, value=text)
    row = header + 2
    for number, name, *values in rows:
        sheet.cell(row=row, column=1, value=number)
        sheet.cell(row=row, column=2, value=name)
        for offset, value in enumerate(values):
            if value is not None:
                sheet.cell(row=row, column=3 + offset, value=value)
        row += 1
    return row


def cells_of(unit, *, code=None) -> dict[tuple[str, str, str], str]:
    """What the database holds for ``unit``: {(appendix, STT, period): text}."""
    from indicators.cells import value_text

    values = IndicatorValue.objects.filter(table__unit=unit).select_related("table", "indicator__template")
    if code:
        values = values.filter(indicator__template__code=code)
    return {
        (v.indicator.template.code, v.indicator.number, v.table.period_key): value_text(v) for v in values
    }


def read_back(data: bytes):
    """A workbook as openpyxl reads it (cell values, not cached results)."""
    return load_workbook(io.BytesIO(data))


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def imported(data, unit, **kwargs):
    kwargs.setdefault("dry_run", False)
    kwargs.setdefault("acknowledge", True)
    return import_workbook(source=data, default_unit=unit, **kwargs)


def table_of(unit, year, through=None):
    return IndicatorTable.objects.get(unit=unit, year=year, through=through)

"""Workbooks as offices really send them, in .xlsx, .xls and .ods: names
worded a little differently, a row without STT, a "Ghi chú" column, a row of
column numbers and a sub-heading, two tables stacked in one sheet and one
going on in the next sheet, years as numbers and "6 tháng đầu năm 2023",
notes, footnotes and the signature block under the tables. Every figure
comes back in the official export; a name acknowledged once is matched
silently the next time."""

import datetime
import io

import pytest
from django.urls import reverse

from indicators.exports import export_workbook
from indicators.layouts import read_layout
from indicators.models import IndicatorAlias
from indicators.periods import Period
from indicators.selectors import tables_for_export
from indicators.xlsx import open_workbook
from tests.indicators.conftest import cells_of, imported
from tests.indicators.formats import FORMATS, workbook_as

H1 = "2023-06-30"
PERIODS = [2021, 2022, "6 tháng đầu năm 2023"]
KEYS = ["2021", "2022", H1]


def _table(sheet, row, title, rows, *, note_column=True):
    sheet.cell(row=row, column=1, value=title)
    sheet.cell(row=row + 1, column=1, value="Thống kê các chỉ tiêu")
    header = row + 2
    sheet.cell(row=header, column=1, value="STT")
    sheet.cell(row=header, column=2, value="Chỉ tiêu")
    sheet.cell(row=header, column=3, value="Giai đoạn 2021 - 2023")
    sheet.merge_cells(start_row=header, start_column=3, end_row=header, end_column=5)
    if note_column:
        sheet.cell(row=header, column=6, value="Ghi chú")
        sheet.merge_cells(start_row=header, start_column=6, end_row=header + 1, end_column=6)
    for offset, period in enumerate(PERIODS):
        sheet.cell(row=header + 1, column=3 + offset, value=period)
    row = header + 2
    for values in rows:
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=row, column=column, value=value)
        row += 1
    return row


def _signature(sheet, row):
    sheet.cell(row=row, column=4, value="Tuy Phong, ngày 05 tháng 7 năm 2023")
    sheet.cell(row=row + 1, column=2, value="NGƯỜI LẬP BIỂU")
    sheet.cell(row=row + 1, column=4, value="KT. CHỦ TỊCH")
    sheet.cell(row=row + 2, column=4, value="PHÓ CHỦ TỊCH")
    sheet.cell(row=row + 3, column=2, value="(Ký, ghi rõ họ tên)")
    sheet.cell(row=row + 5, column=2, value="Nguyễn Văn An")
    sheet.cell(row=row + 5, column=4, value="Trần Thị Bình")


def office_workbook(wb):
    sheet = wb.active
    sheet.title = "Bieu 01"
    row = _table(
        sheet,
        1,
        "Phụ lục 03:",
        [
            ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)"),  # column numbers
            ("I", "CÔNG KHAI THỦ TỤC HÀNH CHÍNH"),  # a sub-heading without figures
            ("1", "Tổng số TTHC của ngành đã được công bố", 320, 321, 322, "Theo Quyết định số 15/QĐ-UBND"),
            ("1.3", "Số TTHC thực hiện tại cấp xã", 96, 97, 98),  # worded differently, same STT
            (None, "Số lượng TTHC thực hiện ở cấp huyện", 88, 89, 90),  # no STT
            ("5.2", "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn", "5650/5658", "12/13", "7/7"),
        ],
    )
    # A blank spacer, then a second table stacked under the first.
    row = _table(
        sheet,
        row + 1,
        "Phụ lục 07:",
        [("2", "Số lượng văn bản nhận trên Trục liên thông văn bản quốc gia", 15189, 15190, 7000)],
        note_column=False,
    )
    # The table goes on in the next sheet; this one ends with a note.
    second = wb.create_sheet("Bieu 01 (tiep)")
    second.cell(row=1, column=1, value="3")
    second.cell(row=1, column=2, value="Số lượng văn bản gửi trên Trục liên thông văn bản quốc gia")
    for offset, value in enumerate([10, 11, 12]):
        second.cell(row=1, column=3 + offset, value=value)
    second.cell(row=3, column=1, value="Ghi chú: số liệu năm 2023 tính đến 30/6.")
    second.cell(row=4, column=1, value="* Số liệu do Văn phòng HĐND và UBND huyện cung cấp.")
    second.cell(row=5, column=1, value="(1) Theo báo cáo của các xã.")
    _signature(second, 7)


EXPECTED = {
    ("PL03", "1"): [320, 321, 322],
    ("PL03", "1.3"): [96, 97, 98],
    ("PL03", "1.2"): [88, 89, 90],
    ("PL03", "5.2"): ["5650/5658", "12/13", "7/7"],
    ("PL07", "2"): [15189, 15190, 7000],
    ("PL07", "3"): [10, 11, 12],
}


def _expected() -> dict:
    return {
        (code, number, key): str(value)
        for (code, number), values in EXPECTED.items()
        for key, value in zip(KEYS, values, strict=True)
    }


@pytest.mark.parametrize("kind", FORMATS)
def test_an_office_workbook_in_every_format(kind, catalogue, units):
    data = workbook_as(office_workbook, kind)
    unit = units.district_a

    preview = imported(data, unit, dry_run=True)
    assert preview.problems == []
    # The row without STT is a warning to acknowledge; the reworded one a match shown.
    name_warnings = [w for w in preview.warnings if w["signature"].startswith("name|")]
    assert len(name_warnings) == 1
    assert name_warnings[0]["row"] == 9 and name_warnings[0]["indicator"] == "Phụ lục 03 1.2"
    matches = {(m["typed"], m["indicator"], m["needs_acknowledgement"]) for m in preview.matches}
    assert ("Số TTHC thực hiện tại cấp xã", "Phụ lục 03 1.3", False) in matches
    assert ("Số lượng TTHC thực hiện ở cấp huyện", "Phụ lục 03 1.2", True) in matches
    assert all(0 < m["score"] < 100 for m in preview.matches)
    assert {m["typed"]: m["score"] for m in preview.matches}["Số TTHC thực hiện tại cấp xã"] >= 85
    notes = " ".join(note["message"] for note in preview.notes)
    assert "dòng đánh số cột" in notes
    assert "Hết bảng" in notes and "Bảng tiếp nối" in notes

    outcome = imported(data, unit)
    assert outcome.applied, outcome.problems
    assert cells_of(unit) == _expected()

    # Every figure comes back in the official export.
    exported = export_workbook(
        units=[unit], tables=tables_for_export(units=[unit], first=2021, last=2023), first=2021, last=2023
    )
    parsed = read_layout(open_workbook(exported), default_unit=unit)
    assert parsed.problems == []
    assert {
        (parsed.indicators[pk].template.code, parsed.indicators[pk].number, period.key): str(raw)
        for (_unit, period), cells in parsed.cells.items()
        for pk, raw in cells.items()
        if raw not in ("", None)
    } == _expected()

    # The acknowledged name is remembered for the version of Phụ lục 03.
    alias = IndicatorAlias.objects.get()
    assert (alias.name, alias.indicator.number, alias.template.code) == (
        "Số lượng TTHC thực hiện ở cấp huyện",
        "1.2",
        "PL03",
    )
    again = imported(data, unit, dry_run=True)
    assert not [w for w in again.warnings if w["signature"].startswith("name|")]
    assert ("Số lượng TTHC thực hiện ở cấp huyện", "Phụ lục 03 1.2", True) not in {
        (m["typed"], m["indicator"], m["needs_acknowledgement"]) for m in again.matches
    }


@pytest.mark.parametrize("kind", FORMATS)
def test_the_ghi_chu_column_is_each_cells_note(kind, catalogue, units):
    parsed = read_layout(open_workbook(workbook_as(office_workbook, kind)), default_unit=units.district_a)
    indicator = catalogue.pl03("1")
    for period in (Period(2021), Period(2022), Period(2023, datetime.date(2023, 6, 30))):
        assert parsed.remarks[(units.district_a.pk, period, indicator.pk)] == "Theo Quyết định số 15/QĐ-UBND"
    assert len(parsed.remarks) == 3


@pytest.mark.parametrize("kind", FORMATS)
def test_an_unknown_or_ambiguous_row_stays_an_error_by_sheet_row_and_column(kind, catalogue, units):
    def build(wb):
        _table(
            wb.active,
            1,
            "Phụ lục 03:",
            [
                (None, "Số lượng TTHC thực hiện tại cấp", 5, 6, 7),  # as close to 1.1, 1.2 and 1.3
                ("9.9", "Số cuộc họp giao ban", 1, 2, 3),  # not in the catalogue
            ],
        )

    outcome = imported(workbook_as(build, kind), units.district_a)
    assert not outcome.applied
    found = [(p["sheet"], p["row"], p["column"]) for p in outcome.problems]
    assert ("Sheet", 5, "A") in found and ("Sheet", 6, "A") in found
    assert "gần giống cả chỉ tiêu" in outcome.problems[0]["message"]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_seed_workbook_in_other_formats_reads_cell_for_cell(kind, tuy_phong_unit):
    import io

    from openpyxl import load_workbook

    from demo.indicator_tables import seed_workbook
    from tests.indicators.formats import as_ods, as_xls

    original = seed_workbook()
    converted = {"xls": as_xls, "ods": as_ods}[kind](load_workbook(io.BytesIO(original)))

    def cells(data):
        parsed = read_layout(open_workbook(data), default_unit=tuy_phong_unit)
        assert parsed.problems == []
        return {key: {pk: str(raw) for pk, raw in values.items()} for key, values in parsed.cells.items()}

    assert cells(converted) == cells(original)


@pytest.fixture
def tuy_phong_unit(db, catalogue):
    from cchc.models import Unit
    from demo.indicator_tables import DEMO_UNITS_FILE
    from demo.province import load_demo_province

    load_demo_province(path=DEMO_UNITS_FILE, password="Mat-khau-thu-2025")
    return Unit.objects.get(code="595")


@pytest.mark.parametrize("kind", FORMATS)
def test_the_ghi_chu_column_is_stored_shown_and_exported(kind, catalogue, units, client, officer_a):
    from openpyxl import load_workbook

    from tests.indicators.conftest import table_of

    unit = units.district_a
    outcome = imported(workbook_as(office_workbook, kind), unit)
    assert outcome.applied, outcome.problems
    indicator = catalogue.pl03("1")
    notes = {
        value.table.period_key: value.note
        for value in indicator.values.filter(table__unit=unit).select_related("table")
    }
    assert notes == dict.fromkeys(KEYS, "Theo Quyết định số 15/QĐ-UBND")
    # Only the row with a note has one.
    assert not catalogue.pl03("1.3").values.exclude(note="").exists()

    # The official export carries it as the cell's comment.
    exported = export_workbook(
        units=[unit], tables=tables_for_export(units=[unit], first=2021, last=2023), first=2021, last=2023
    )
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    commented = {
        (sheet.cell(row=cell.row, column=2).value, cell.value, cell.comment.text)
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    }
    assert commented == {
        (indicator.name, value, "Ghi chú: Theo Quyết định số 15/QĐ-UBND") for value in (320, 321, 322)
    }

    # A new note replaces the stored one without touching the figure; a
    # file without one leaves it.
    def renoted(wb):
        _table(wb.active, 1, "Phụ lục 03:", [("1", indicator.name, 320, 321, 322, "Số liệu đã rà soát")])

    assert imported(workbook_as(renoted, kind), unit).applied
    value = table_of(unit, 2021).values.get(indicator=indicator)
    assert (value.number, value.note, value.version) == (320, "Số liệu đã rà soát", 1)

    def unnoted(wb):
        _table(wb.active, 1, "Phụ lục 03:", [("1", indicator.name, 330, 321, 322)])

    assert imported(workbook_as(unnoted, kind), unit).applied
    value = table_of(unit, 2021).values.get(indicator=indicator)
    assert (value.number, value.note) == (330, "Số liệu đã rà soát")

    # The grid shows it beside the figure, in full on hover.
    client.force_login(officer_a)
    html = client.get(reverse("indicators:table_detail", args=[table_of(unit, 2021).pk])).content.decode()
    assert f'id="note-{indicator.pk}" title="Ghi chú: Số liệu đã rà soát"' in html
    assert html.count('class="small text-body-secondary cell-note"') == 1


def _with_error(code):
    def build(wb):
        _table(
            wb.active,
            1,
            "Phụ lục 03:",
            [
                ("1", "Tổng số TTHC của ngành đã được công bố", 320, code, 322),
                ("1.3", "Số lượng TTHC thực hiện tại cấp xã", 96, 97, 98),
            ],
        )

    return build


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@pytest.mark.parametrize("code", ["#DIV/0!", "#N/A"])
def test_a_formula_error_is_a_problem_by_sheet_row_and_column_not_a_blank(kind, code, catalogue, units):
    unit = units.district_a
    assert imported(workbook_as(_with_error(321), kind), unit).applied
    outcome = imported(workbook_as(_with_error(code), kind), unit)
    assert not outcome.applied
    assert [(p["sheet"], p["row"], p["column"]) for p in outcome.problems] == [("Sheet", 5, "D")]
    assert f"Ô chứa lỗi công thức {code}" in outcome.problems[0]["message"]
    # The figure stored is not cleared.
    assert cells_of(unit)[("PL03", "1", "2022")] == "321"


def test_a_formula_error_in_an_xls_is_read_as_a_blank(catalogue, units):
    """calamine reads an .xls error cell as an empty one and nothing else
    reads its records (see ``indicators.xlsx``): the known limit, pinned so
    that a reader that tells them apart shows up here."""
    from indicators.cells import ErrorValue

    data = workbook_as(_with_error("#DIV/0!"), "xls")
    rows = dict(next(iter(open_workbook(data).sheets())).rows)
    assert rows[5] == {1: "1", 2: "Tổng số TTHC của ngành đã được công bố", 3: 320, 5: 322}
    assert not any(isinstance(v, ErrorValue) for values in rows.values() for v in values.values())
    # The same cell written by openpyxl and read from the .xlsx is an error.
    rows = dict(next(iter(open_workbook(workbook_as(_with_error("#DIV/0!"), "xlsx")).sheets())).rows)
    assert isinstance(rows[5][4], ErrorValue)

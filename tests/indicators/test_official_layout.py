"""The official layout round-trips and stays Vietnamese: the app's template
and its export of a part-year table import back with the same figures; an
English user's export, template and PDF carry the Vietnamese headers the
import reads, while the screen speaks English; an import's history entry is
kept as data and said in the reader's language."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from indicators.choices import TableAction
from indicators.exports import export_workbook, table_html, template_workbook
from indicators.models import IndicatorTable, IndicatorTableEvent
from indicators.periods import Period
from indicators.selectors import tables_for_export
from indicators.services import table_create, value_set
from tests.indicators.conftest import cells_of, imported, office_sheet, workbook_bytes

Q1 = datetime.date(2020, 3, 31)
Q1_KEY = "2020-03-31"
Q1_HEADER = "Năm 2020 (Tính đến 31/3)"

#: (appendix title in the sheet, STT, what is typed, what is stored)
FIGURES = [
    ("Phụ lục 03:", "1", "/", "/"),
    ("Phụ lục 03:", "1.2", 263, "263"),
    ("Phụ lục 03:", "5.2", "12411/12429", "12411/12429"),
    ("Phụ lục 07:", "2", 15189, "15189"),
    ("Phụ lục 07:", "5", "H:86 X:278", "H:86 X:278"),
]


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(sheet, title: str, number: str) -> int:
    """The Excel row of STT ``number`` in the appendix titled ``title``."""
    inside = False
    for row in sheet.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        if isinstance(cell.value, str) and cell.value.endswith(":") and not cell.value[0].isdigit():
            inside = cell.value == title
        elif inside and cell.value == number:
            return cell.row
    raise AssertionError(f"no row {number} in {title}")


def _headers(sheet) -> list[tuple]:
    """The two header rows of each table, from column A and from column C,
    without the empty cells at their end."""

    def trimmed(cells) -> tuple:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        return tuple(cells)

    values = list(sheet.iter_rows(values_only=True))
    return [
        (trimmed(values[i]), trimmed(values[i + 1][2:])) for i, row in enumerate(values) if row[0] == "STT"
    ]


def _fill_figures(table) -> None:
    catalogue = {"Phụ lục 03:": "PL03", "Phụ lục 07:": "PL07"}
    from indicators.models import Indicator

    for title, number, typed, _stored in FIGURES:
        indicator = Indicator.objects.get(template__code=catalogue[title], number=number)
        value_set(table=table, indicator=indicator, raw=str(typed), user=None)


def _expected() -> dict:
    codes = {"Phụ lục 03:": "PL03", "Phụ lục 07:": "PL07"}
    return {(codes[title], number, Q1_KEY): stored for title, number, _typed, stored in FIGURES}


class TestPartYearRoundTrip:
    def test_the_template_downloaded_filled_and_imported_back(self, client, officer_a, units, catalogue):
        client.force_login(officer_a)
        response = client.get(reverse("indicators:template"), {"unit": units.district_a.pk, "period": Q1_KEY})
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        sheet = workbook.active
        # The header over the one column names the column's own period.
        assert set(_headers(sheet)) == {(("STT", "Chỉ tiêu", Q1_HEADER, "Cách ghi"), (Q1_HEADER,))}
        for title, number, typed, _stored in FIGURES:
            sheet.cell(row=_row(sheet, title, number), column=3, value=typed)

        outcome = imported(_save(workbook), units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == _expected()
        assert IndicatorTable.objects.get(unit=units.district_a).through == Q1

        # The template now carries the figures and imports back unchanged.
        again = client.get(reverse("indicators:template"), {"unit": units.district_a.pk, "period": Q1_KEY})
        outcome = imported(again.content, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert outcome.totals["cells_new"] == outcome.totals["cells_changed"] == 0
        assert cells_of(units.district_a) == _expected()

    def test_the_export_of_a_filled_part_year_table_imports_back(self, catalogue, units):
        _fill_figures(table_create(unit=units.district_a, year=2020, through=Q1))
        exported = export_workbook(
            units=[units.district_a],
            tables=tables_for_export(units=[units.district_a], first=2020, last=2020),
            first=2020,
            last=2020,
        )
        sheet = load_workbook(io.BytesIO(exported))["508"]
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", Q1_HEADER), (Q1_HEADER,))

        # Imported back over the same table: nothing changes.
        outcome = imported(exported, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert outcome.totals["cells_unchanged"] == outcome.totals["cells"]
        # Imported into an empty database: the same figures.
        IndicatorTable.objects.filter(unit=units.district_a).delete()
        outcome = imported(exported, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == _expected()

    def test_a_year_and_a_part_of_it_side_by_side(self, catalogue, units):
        _fill_figures(table_create(unit=units.district_a, year=2020, through=Q1))
        whole = table_create(unit=units.district_a, year=2020)
        value_set(table=whole, indicator=catalogue.pl03("1.2"), raw="270", user=None)
        exported = export_workbook(
            units=[units.district_a],
            tables=tables_for_export(units=[units.district_a], first=2020, last=2020),
            first=2020,
            last=2020,
        )
        sheet = load_workbook(io.BytesIO(exported))["508"]
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", "Năm 2020"), (Q1_HEADER, "Năm 2020"))
        before = cells_of(units.district_a)
        IndicatorTable.objects.filter(unit=units.district_a).delete()
        outcome = imported(exported, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == before
        assert before[("PL03", "1.2", "2020")] == "270"

    def test_a_template_downloaded_before_the_fix_still_imports(self, catalogue, units):
        """Such templates said "Năm 2020" over "Năm 2020 (Tính đến 31/3)":
        the year groups the column, the lower header names its period."""

        def build(workbook):
            office_sheet(
                workbook.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 263)], years=[Q1_HEADER]
            )
            workbook.active.cell(row=4, column=3, value="Năm 2020")

        outcome = imported(workbook_bytes(build), units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == {("PL03", "1.2", Q1_KEY): "263"}

    def test_headers_that_name_two_periods_are_still_refused(self, catalogue, units):
        def build(workbook):
            office_sheet(
                workbook.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 263)], years=["Năm 2020"]
            )
            workbook.active.cell(row=4, column=3, value=Q1_HEADER)

        outcome = imported(workbook_bytes(build), units.district_a)
        assert not outcome.applied
        assert [p["message"] for p in outcome.problems] == ["Cột có hai tiêu đề kỳ báo cáo khác nhau."]


@pytest.fixture
def english():
    with translation.override("en"):
        # The English catalogue does translate these: an export made in the
        # page's language would read "2019", not "Năm 2019".
        assert translation.gettext("Năm %(year)s") == "%(year)s"
        assert translation.gettext("Số nguyên") != "Số nguyên"
        yield


class TestVietnameseWhateverTheLanguage:
    def test_an_english_users_export_is_official_and_imports_back(self, catalogue, units, english):
        _fill_figures(table_create(unit=units.district_a, year=2020, through=Q1))
        last_year = table_create(unit=units.district_a, year=2019)
        value_set(table=last_year, indicator=catalogue.pl03("1.2"), raw="250", user=None)
        other = table_create(unit=units.district_b, year=2019)
        value_set(table=other, indicator=catalogue.pl03("1.2"), raw="200", user=None)

        exported = export_workbook(
            units=[units.district_a],
            tables=tables_for_export(units=[units.district_a], first=2019, last=2020),
            first=2019,
            last=2020,
        )
        sheet = load_workbook(io.BytesIO(exported))["508"]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "ỦY BAN NHÂN DÂN HUYỆN DUY XUYÊN – Mã đơn vị: 508"
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", "Giai đoạn 2019 - 2020"), ("Năm 2019", Q1_HEADER))

        province_units = [units.province, units.district_a, units.district_b]
        province = export_workbook(
            units=province_units,
            tables=tables_for_export(units=province_units, first=2019, last=2019),
            first=2019,
            last=2019,
            root=units.province,
        )
        summary = load_workbook(io.BytesIO(province))["Tổng hợp"]
        lines = [row[0] for row in summary.iter_rows(max_row=2, values_only=True)]
        assert lines == [
            "TỔNG HỢP SỐ LIỆU UBND TỈNH QUẢNG NAM",
            "Tổng hợp 2 đơn vị: UBND huyện Duy Xuyên, UBND huyện Đại Lộc",
        ]

        before = cells_of(units.district_a)
        IndicatorTable.objects.filter(unit=units.district_a).delete()
        outcome = imported(exported, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == before
        # Only the export was Vietnamese: the language is English again.
        assert translation.get_language() == "en"

    def test_an_english_users_template_is_official_and_imports_back(self, catalogue, units, english):
        data = template_workbook(unit=units.district_a, period=Period(2019))
        sheet = load_workbook(io.BytesIO(data)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "ỦY BAN NHÂN DÂN HUYỆN DUY XUYÊN – Mã đơn vị: 508"
        assert values[1][0].startswith("Cách ghi: số lượng là số nguyên")
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", "Năm 2019", "Cách ghi"), ("Năm 2019",))
        hints = {row[3] for row in values if len(row) > 3 and row[3]}
        assert "Số nguyên" in hints
        sheet.cell(row=_row(sheet, "Phụ lục 03:", "1.2"), column=3, value=263)
        outcome = imported(_save(sheet.parent), units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == {("PL03", "1.2", "2019"): "263"}

    def test_an_english_users_pdf_table_is_official(self, catalogue, units, english):
        _fill_figures(table_create(unit=units.district_a, year=2020, through=Q1))
        html = table_html(
            unit=units.district_a,
            tables=tables_for_export(units=[units.district_a], first=2020, last=2020),
            first=2020,
            last=2020,
        )
        assert ">Chỉ tiêu</th>" in html and f">{Q1_HEADER}</th>" in html
        assert "<title>Số liệu chỉ tiêu cải cách hành chính" in html

    def test_through_the_pages_with_the_language_cookie(self, client, officer_a, units, catalogue):
        table = table_create(unit=units.district_a, year=2020, through=Q1)
        _fill_figures(table)
        last_year = table_create(unit=units.district_a, year=2019)
        value_set(table=last_year, indicator=catalogue.pl03("1.2"), raw="250", user=None)
        client.force_login(officer_a)
        client.post(reverse("set_language"), {"language": "en"})  # the language menu
        grid = client.get(reverse("indicators:table_detail", args=[table.pk])).content.decode()
        assert 'lang="en"' in grid
        assert '<th scope="col">Indicator</th>' in grid and ">Chỉ tiêu<" not in grid

        response = client.get(
            reverse("indicators:export"),
            {"unit": units.district_a.pk, "years": "2019-2020", "format": "xlsx"},
        )
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["508"]
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", "Giai đoạn 2019 - 2020"), ("Năm 2019", Q1_HEADER))

        template = client.get(reverse("indicators:template"), {"unit": units.district_a.pk, "period": "2019"})
        sheet = load_workbook(io.BytesIO(template.content)).active
        assert next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))[0].startswith(
            "Cách ghi: số lượng"
        )
        assert _headers(sheet)[0] == (("STT", "Chỉ tiêu", "Năm 2019", "Cách ghi"), ("Năm 2019",))

        before = cells_of(units.district_a)
        IndicatorTable.objects.filter(unit=units.district_a).delete()
        outcome = imported(response.content, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert cells_of(units.district_a) == before
        outcome = imported(template.content, units.district_a)
        assert outcome.problems == [] and outcome.applied
        assert outcome.totals["cells_unchanged"] == outcome.totals["cells"]

    def test_the_vietnamese_screen_says_chi_tieu(self, client, officer_a, units, catalogue):
        table = table_create(unit=units.district_a, year=2020, through=Q1)
        client.force_login(officer_a)
        grid = client.get(reverse("indicators:table_detail", args=[table.pk])).content.decode()
        assert '<th scope="col">Chỉ tiêu</th>' in grid


class TestImportHistory:
    def test_kept_as_data_and_said_in_the_readers_language(self, client, officer_a, units, catalogue):
        def build(workbook):
            office_sheet(workbook.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88, 196)])

        with translation.override("en"):
            assert imported(workbook_bytes(build), units.district_a, user=officer_a).applied
        event = IndicatorTableEvent.objects.filter(action=TableAction.IMPORT).order_by("id").first()
        # The record is Vietnamese whoever imported; the count is data.
        assert event.text == "Nhập từ tệp Excel: 1 ô thay đổi."
        assert event.data == {"file": "", "cells": 1}
        with translation.override("en"):
            assert event.display_text == "Imported from Excel file: 1 cell changed."
        with translation.override("vi"):
            assert event.display_text == "Nhập từ tệp Excel: 1 ô thay đổi."

        client.force_login(officer_a)
        client.post(reverse("set_language"), {"language": "en"})  # the language menu
        page = client.get(reverse("indicators:table_detail", args=[event.table_id])).content.decode()
        assert "Imported from Excel file: 1 cell changed." in page
        client.post(reverse("set_language"), {"language": "vi"})  # the language menu
        page = client.get(reverse("indicators:table_detail", args=[event.table_id])).content.decode()
        assert "Nhập từ tệp Excel: 1 ô thay đổi." in page

    def test_the_files_name_and_the_plural(self):
        event = IndicatorTableEvent(action=TableAction.IMPORT, data={"file": "bao-cao.xlsx", "cells": 36})
        with translation.override("en"):
            assert event.display_text == "Imported from bao-cao.xlsx: 36 cells changed."
        with translation.override("vi"):
            assert event.display_text == "Nhập từ bao-cao.xlsx: 36 ô thay đổi."

    def test_entries_without_data_show_their_text(self):
        comment = IndicatorTableEvent(action=TableAction.COMMENT, text="Đã rà soát lại số hồ sơ.")
        older = IndicatorTableEvent(action=TableAction.IMPORT, text="Nhập từ a.xlsx: 2 ô thay đổi.")
        with translation.override("en"):
            assert comment.display_text == "Đã rà soát lại số hồ sơ."
            assert older.display_text == "Nhập từ a.xlsx: 2 ô thay đổi."

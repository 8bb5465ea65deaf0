"""The official layout out of the app: Excel for a unit or a province (a
sheet per unit and a summary by the roll-up rules), text that could run as
a formula kept as text, and the PDF appendix read back with poppler."""

import io
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from demo.indicator_tables import seed_workbook
from indicators.exports import SUMMARY_TITLE, export_pdf, export_workbook, rollup_cell
from indicators.selectors import tables_for_export
from indicators.services import table_create, value_set
from tests.indicators.conftest import imported


def rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def row_of(sheet, number, start=0):
    """The first row at or after ``start`` whose STT is ``number``."""
    for index, row in enumerate(rows(sheet)):
        if index >= start and row[0] == number:
            return row
    raise AssertionError(f"no row {number}")


@pytest.fixture
def seeded(catalogue, units):
    assert imported(seed_workbook(), units.district_a).applied
    return units.district_a


class TestUnitExport:
    def test_the_official_layout(self, seeded):
        workbook = load_workbook(
            io.BytesIO(
                export_workbook(
                    units=[seeded],
                    tables=tables_for_export(units=[seeded], first=2015, last=2020),
                    first=2015,
                    last=2020,
                )
            )
        )
        assert workbook.sheetnames == ["508"]
        sheet = workbook["508"]
        values = rows(sheet)
        assert values[0][0] == "ỦY BAN NHÂN DÂN HUYỆN DUY XUYÊN – Mã đơn vị: 508"
        titles = [row[0] for row in values if str(row[0]).startswith(("Phụ lục", "Khảo sát sự hài lòng:"))]
        assert titles == ["Phụ lục 03:", "Phụ lục 07:", "Khảo sát sự hài lòng:", "Khảo sát sự hài lòng:"]
        header = next(i for i, row in enumerate(values) if row[0] == "STT")
        assert values[header][:3] == ("STT", "Chỉ tiêu", "Giai đoạn 2015 - 2020")
        assert values[header + 1][2:8] == (
            "Năm 2015",
            "Năm 2016",
            "Năm 2017",
            "Năm 2018",
            "Năm 2019",
            "Năm 2020 (Tính đến 31/3)",
        )
        merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
        excel_row = header + 1
        assert {
            f"C{excel_row}:H{excel_row}",
            f"A{excel_row}:A{excel_row + 1}",
            f"B{excel_row}:B{excel_row + 1}",
        } <= merged
        assert row_of(sheet, "1.2")[2:8] == (88, 196, 111, 204, 263, 263)
        assert row_of(sheet, "5.2")[2:8] == (
            "5650/5658",
            "6162/6174",
            "8953/8955",
            "9738/9743",
            "12411/12429",
            "2717/2700",
        )
        assert row_of(sheet, "1")[2:8] == ("/",) * 6
        # The flagged cell is marked and the sheet says what the mark means.
        flagged = next(c for c in sheet[row_of_index(sheet, "5.2") + 1] if c.value == "2717/2700")
        assert flagged.fill.fgColor.rgb.endswith("FFF2CC")
        assert any(row[0] and str(row[0]).startswith("Ô tô màu: số liệu có cảnh báo") for row in values)
        assert sheet.page_setup.orientation == "landscape"

    def test_text_that_could_run_as_a_formula_is_escaped(self, catalogue, units):
        table = table_create(unit=units.district_a, year=2021)
        value_set(table=table, indicator=catalogue.pl03("4.5"), raw="=cmd|' /C calc'!A0", user=None)
        data = export_workbook(
            units=[units.district_a],
            tables=tables_for_export(units=[units.district_a], first=2021, last=2021),
            first=2021,
            last=2021,
        )
        sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet_xml
        cell = next(
            c
            for row in load_workbook(io.BytesIO(data))["508"].iter_rows()
            for c in row
            if c.value == "=cmd|' /C calc'!A0"
        )
        assert (cell.data_type, cell.quotePrefix) == ("s", True)


def row_of_index(sheet, number):
    return next(i for i, row in enumerate(rows(sheet)) if row[0] == number)


class TestProvinceExport:
    def test_a_sheet_per_unit_and_the_province_totals(self, catalogue, units):
        for unit, figures in (
            (units.district_a, ("263", "12411/12429", "15189", "H:86 X:278", "/")),
            (units.district_b, ("250", "9000/9100", "10000", "H:50 X:100", "/")),
        ):
            table = table_create(unit=unit, year=2019)
            for indicator, raw in zip(
                (
                    catalogue.pl03("1.2"),
                    catalogue.pl03("5.2"),
                    catalogue.pl07("2"),
                    catalogue.pl07("5"),
                    catalogue.pl03("1"),
                ),
                figures,
                strict=True,
            ):
                value_set(table=table, indicator=indicator, raw=raw, user=None)
        province_units = [units.province, units.district_a, units.district_b, units.commune_a]
        workbook = load_workbook(
            io.BytesIO(
                export_workbook(
                    units=province_units,
                    tables=tables_for_export(units=province_units, first=2019, last=2019),
                    first=2019,
                    last=2019,
                    root=units.province,
                )
            )
        )
        assert workbook.sheetnames == [SUMMARY_TITLE, "508", "506"]
        summary = workbook[SUMMARY_TITLE]
        assert rows(summary)[0][0] == "TỔNG HỢP SỐ LIỆU UBND TỈNH QUẢNG NAM"
        assert rows(summary)[1][0] == "Tổng hợp 2 đơn vị: UBND huyện Duy Xuyên, UBND huyện Đại Lộc"
        assert row_of(summary, "1.2")[2] is None  # procedures are not added up
        assert row_of(summary, "5.2")[2] == "21411/21529"  # numerators over denominators
        assert row_of(summary, "1")[2] == "/"
        pl07 = next(i for i, row in enumerate(rows(summary)) if row[0] == "Phụ lục 07:")
        assert row_of(summary, "2", start=pl07)[2] == 25189
        assert row_of(summary, "5", start=pl07)[2] == "H:136 X:378"
        assert row_of(workbook["506"], "5.2")[2] == "9000/9100"

    def test_rollup_rules(self, catalogue):
        from indicators.cells import BLANK, NA, Cell

        count, fraction, text = catalogue.pl07("2"), catalogue.pl03("5.2"), catalogue.pl03("4.5")
        assert rollup_cell(count, [Cell(number=1), NA, Cell(number=2), BLANK]) == Cell(number=3)
        assert rollup_cell(count, [NA, NA]) == NA
        assert rollup_cell(count, [BLANK]) == BLANK
        assert rollup_cell(fraction, [Cell(number=1, denominator=2), Cell(number=3, denominator=4)]) == Cell(
            number=4, denominator=6
        )
        assert rollup_cell(text, [Cell(text="02 nhóm")]) == BLANK


class TestPdf:
    def test_the_pdf_appendix_reads_back(self, seeded, tmp_path):
        path = tmp_path / "phu-luc.pdf"
        path.write_bytes(
            export_pdf(
                unit=seeded,
                tables=tables_for_export(units=[seeded], first=2015, last=2020),
                first=2015,
                last=2020,
            )
        )
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "ỦY BAN NHÂN DÂN HUYỆN DUY XUYÊN" in text
        assert "Phụ lục 03:" in text and "Phụ lục 07:" in text
        assert "Thống kê các chỉ tiêu tại lĩnh vực cải cách thủ tục hành chính" in text
        assert "Năm 2020 (Tính đến 31/3)" in text
        assert "2717/2700" in text and "H:113 X:288" in text and "5650/5658" in text
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
        assert "841.89 x 595.276 pts (A4)" in info  # landscape
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        font_lines = fonts.splitlines()[2:]
        assert font_lines and all(" yes " in line for line in font_lines)  # every font embedded
        assert any("Tinos" in line for line in font_lines)

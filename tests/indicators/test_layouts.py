"""Reading the layouts offices fill: rows matched by number and name despite
the variations real sheets have, columns matched to periods by their
header, units found per sheet or per row."""

import datetime

import pytest

from cchc.choices import UnitKind
from cchc.services import unit_create
from indicators.layouts import normalise_number, read_layout
from indicators.periods import Period
from indicators.xlsx import open_workbook
from tests.indicators.conftest import YEARS, office_sheet, workbook_bytes

Y2020 = Period(2020, datetime.date(2020, 3, 31))


def read(data, unit):
    return read_layout(open_workbook(data), default_unit=unit)


def filled(parsed) -> dict:
    """{(unit id, period, STT): raw} of the cells that hold something."""
    return {
        (unit, period, parsed.indicators[pk].number): raw
        for (unit, period), cells in parsed.cells.items()
        for pk, raw in cells.items()
        if raw != ""
    }


@pytest.mark.parametrize(
    "raw, number",
    [("1.", "1"), (" 4 ", "4"), ("1.1.", "1.1"), (4, "4"), (1.1, "1.1"), ("6 .1", "6.1"), ("5,2", "5.2")],
)
def test_numbers_as_typed(raw, number):
    assert normalise_number(raw) == number


class TestRows:
    def test_variations_of_real_sheets(self, catalogue, units):
        rows = [
            ("1.", "Tổng số TTHC của ngành đã được công bố", "/"),  # trailing dot
            ("1.2", "  Số lượng   TTHC thực hiện tại\ncấp huyện ", 88),  # spaces, a line break
            ("1.3", "So luong TTHC thuc hien tai cap xa", 96),  # typed without diacritics
            (
                "4.2",
                "Số lượng TTHC thực hiện việc tiếp nhận, trả kq tại Bộ phận Một cửa cấp huyện",
                88,
            ),  # "kq"
            ("4.", "Tiếp nhận và xử lý PAKN về TTHC", 0),  # misnumbered: the name is 6's
            ("5.2", "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn", "5650/5658"),  # the name cut short
        ]
        parsed = read(workbook_bytes(lambda wb: office_sheet(wb.active, rows)), units.district_a)
        assert parsed.problems == []
        cells = parsed.cells[(units.district_a.pk, Period(2015))]
        assert {parsed.indicators[pk].number: raw for pk, raw in cells.items()} == {
            "1": "/",
            "1.2": 88,
            "1.3": 96,
            "4.2": 88,
            "6": 0,
            "5.2": "5650/5658",
        }
        assert [note.message for note in parsed.notes] == [
            "STT ghi “4” nhưng tên khớp chỉ tiêu 6 “Tiếp nhận và xử lý PAKN về TTHC”: nhận là chỉ tiêu 6."
        ]

    def test_a_name_broken_over_a_page_break_is_joined(self, catalogue, units):
        def build(wb):
            sheet = wb.active
            row = office_sheet(sheet, [("4.2", "Số lượng TTHC thực hiện việc tiếp nhận,", 88, 196)])
            # The header printed again on the next page, then the rest of the name.
            sheet.cell(row=row, column=1, value="STT")
            sheet.cell(row=row, column=2, value="Chỉ tiêu")
            sheet.cell(row=row, column=3, value="Giai đoạn 2015 - 2020")
            for offset, text in enumerate(YEARS):
                sheet.cell(row=row + 1, column=3 + offset, value=text.replace("Tính", "Tinh"))
            sheet.cell(row=row + 2, column=2, value="trả kq tại Bộ phận Một cửa cấp huyện")
            sheet.cell(row=row + 3, column=1, value="4.3")
            sheet.cell(
                row=row + 3,
                column=2,
                value="Số lượng TTHC thực hiện việc tiếp nhận, trả kết quả tại Bộ phận Một cửa cấp xã",
            )
            sheet.cell(row=row + 3, column=3, value=96)

        parsed = read(workbook_bytes(build), units.district_a)
        assert parsed.problems == []
        numbers = {parsed.indicators[pk].number for key in parsed.cells for pk in parsed.cells[key]}
        assert numbers == {"4.2", "4.3"}

    def test_a_row_the_catalogue_does_not_have_is_a_problem_when_it_has_figures(self, catalogue, units):
        rows = [("7.1", "Số cuộc họp giao ban", 12), ("8", "Ghi chú của đơn vị", None)]
        parsed = read(workbook_bytes(lambda wb: office_sheet(wb.active, rows)), units.district_a)
        assert [(p.row, p.column, p.message) for p in parsed.problems] == [
            (
                6,
                1,
                "Không tìm thấy chỉ tiêu “7.1 Số cuộc họp giao ban” trong Phụ lục 03 (từ 2015): "
                "số liệu của dòng này không được nhập.",
            )
        ]
        assert "không khớp chỉ tiêu nào và không có số liệu" in parsed.notes[0].message

    def test_a_number_whose_name_is_another_indicators_is_not_taken_on_trust(self, catalogue, units):
        rows = [("1.1", "Số phiếu có ý kiến Tốt", 130)]
        parsed = read(workbook_bytes(lambda wb: office_sheet(wb.active, rows)), units.district_a)
        assert parsed.cells == {}
        assert parsed.problems[0].message.startswith(
            "Dòng STT 1.1 ghi tên khác với chỉ tiêu 1.1 của Phụ lục 03"
        )

    def test_without_a_title_only_exact_matches_are_taken(self, catalogue, units):
        rows = [
            (
                "5.2",
                "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn (ghi rõ số "
                "hồ sơ giải quyết đúng hạn/Tổng số hồ sơ đã giải quyết)",
                "1/2",
            )
        ]
        parsed = read(
            workbook_bytes(lambda wb: office_sheet(wb.active, rows, title="Bảng số liệu")), units.district_a
        )
        assert parsed.problems == []
        assert [parsed.indicators[pk].template.code for pk in parsed.indicators] == ["PL03"]


class TestColumns:
    def test_periods_from_headers_and_columns_that_are_not(self, catalogue, units):
        years = ["Năm 2018", "Ghi chú", "Năm 2019 (ước)", "Năm 2020 (Tính đến 31/3)"]
        rows = [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 204, "đã rà soát", 260, 263)]
        parsed = read(workbook_bytes(lambda wb: office_sheet(wb.active, rows, years=years)), units.district_a)
        assert sorted(period for _unit, period in parsed.cells) == [Period(2018), Y2020]
        assert [(p.column, p.message) for p in parsed.problems] == [
            (
                5,
                "Tiêu đề cột “Năm 2019 (ước)” không ghi năm hay kỳ "
                "báo cáo, nên số liệu của cột này không được nhập.",
            )
        ]

    def test_two_columns_for_one_period(self, catalogue, units):
        rows = [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 204, 205)]
        parsed = read(
            workbook_bytes(lambda wb: office_sheet(wb.active, rows, years=["2018", "Năm 2018"])),
            units.district_a,
        )
        assert parsed.problems[0].message == "Hai cột cùng là Năm 2018 (cột C và cột này)."


class TestUnits:
    @pytest.fixture
    def province(self, units):
        return units.province

    def test_a_sheet_per_unit_named_by_code_or_name(self, catalogue, units):
        def build(wb):
            wb.active.title = "508"
            office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)])
            office_sheet(
                wb.create_sheet("UBND huyện Đại Lộc"), [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 77)]
            )
            office_sheet(wb.create_sheet("Tổng hợp"), [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 165)])

        parsed = read(workbook_bytes(build), units.province)
        assert parsed.problems == []
        assert {unit for unit, _period in parsed.cells} == {units.district_a.pk, units.district_b.pk}
        assert filled(parsed) == {
            (units.district_a.pk, Period(2015), "1.2"): 88,
            (units.district_b.pk, Period(2015), "1.2"): 77,
        }
        assert "Trang tổng hợp: bỏ qua" in parsed.notes[0].message

    def test_a_unit_line_in_the_title_rows(self, catalogue, units):
        def build(wb):
            wb.active["A3"] = "Đơn vị: UBND xã Duy Sơn – Mã đơn vị: 20620"
            office_sheet(wb.active, [("1.3", "Số lượng TTHC thực hiện tại cấp xã", 96)], start=4)

        parsed = read(workbook_bytes(build), units.province)
        assert filled(parsed) == {(units.commune_a.pk, Period(2015), "1.3"): 96}

    def test_a_long_sheet_with_unit_codes(self, catalogue, units):
        def build(wb):
            sheet = wb.active
            sheet.append(["Mã đơn vị", "Phụ lục", "STT", "Chỉ tiêu", "Năm 2019", "Năm 2020"])
            sheet.append(["508", "PL03", "1.2", "Số lượng TTHC thực hiện tại cấp huyện", 263, 263])
            sheet.append(["506", "Phụ lục 03", "1.2", "Số lượng TTHC thực hiện tại cấp huyện", 250, 251])
            sheet.append(["508", "PL07", "4", "SL chữ ký số đã cấp", 95, 90])
            sheet.append(["999", "PL07", "4", "SL chữ ký số đã cấp", 1, 1])

        parsed = read(workbook_bytes(build), units.province)
        assert len(parsed.cells) == 4
        assert [(p.row, p.message) for p in parsed.problems] == [
            (5, "Không tìm thấy đơn vị có mã “999” là UBND tỉnh Quảng Nam hay đơn vị trực thuộc.")
        ]

    def test_sheets_without_a_unit_in_a_province_workbook(self, catalogue, units):
        def build(wb):
            wb.active.title = "508"
            office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)])
            office_sheet(wb.create_sheet("Huyện mới"), [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 77)])

        parsed = read(workbook_bytes(build), units.province)
        assert [(p.sheet, p.message[:45]) for p in parsed.problems] == [
            ("Huyện mới", "Không xác định được đơn vị của trang tính này")
        ]

    def test_a_single_unit_workbook_goes_to_the_chosen_unit(self, catalogue, units):
        parsed = read(
            workbook_bytes(
                lambda wb: office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)])
            ),
            units.district_a,
        )
        assert filled(parsed) == {(units.district_a.pk, Period(2015), "1.2"): 88}
        # The blank cells of a matched row are read too: they clear a value.
        assert len(parsed.cells) == 6

    def test_the_same_cell_twice(self, catalogue, units):
        rows = [
            ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88),
            ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 89),
        ]
        parsed = read(workbook_bytes(lambda wb: office_sheet(wb.active, rows)), units.district_a)
        assert parsed.problems[0].row == 7
        assert parsed.problems[0].message.startswith(
            "Số liệu của chỉ tiêu 1.2, Năm 2015, UBND huyện Duy "
            "Xuyên đã có ở Trang tính “Sheet”, dòng 6, cột C"
        )

    def test_a_unit_outside_the_chosen_one(self, catalogue, units):
        other = unit_create(name="Ủy ban nhân dân tỉnh Quảng Ngãi", kind=UnitKind.PROVINCE, code="51")

        def build(wb):
            wb.active["A3"] = "Mã đơn vị: 51"
            office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)], start=4)

        parsed = read(workbook_bytes(build), units.district_a)
        assert other.pk not in {unit for unit, _period in parsed.cells}
        assert (
            parsed.problems[0].message
            == "Mã đơn vị “51” không phải UBND huyện Duy Xuyên hay đơn vị trực thuộc."
        )

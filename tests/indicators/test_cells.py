"""Reading a cell as offices write it, writing it back, and the checks that
warn instead of refusing."""

import datetime
from types import SimpleNamespace

import pytest

from indicators.cells import (
    BLANK,
    NA,
    Cell,
    CellError,
    ErrorValue,
    MissingCachedValue,
    cell_excel,
    cell_text,
    parse_cell,
    value_warnings,
    warning_message,
)
from indicators.choices import ValueKind


def indicator(kind=ValueKind.COUNT, *, na=True, levels=(), cap=False, within_parent=False, number="1"):
    return SimpleNamespace(
        value_kind=kind,
        allows_not_applicable=na,
        levels=list(levels),
        numerator_within_denominator=cap,
        within_parent=within_parent,
        number=number,
        parent=SimpleNamespace(number="4"),
    )


COUNT = indicator()
FRACTION = indicator(ValueKind.FRACTION, cap=True)
LEVELS = indicator(ValueKind.LEVELS, levels=["T", "H", "X"])
TEXT = indicator(ValueKind.TEXT)


class TestCounts:
    @pytest.mark.parametrize(
        "raw, number",
        [
            ("88", 88),
            (" 263 ", 263),
            ("5.658", 5658),
            ("12.429", 12429),
            ("1 500", 1500),
            (9420, 9420),
            (96.0, 96),
            ("02", 2),
            ("0", 0),
        ],
    )
    def test_whole_numbers_as_offices_write_them(self, raw, number):
        assert parse_cell(COUNT, raw) == Cell(number=number)

    @pytest.mark.parametrize(
        "raw, message",
        [
            ("-5", "Số lượng không được âm (ghi “-5”)."),
            (-5, "Số lượng không được âm (ghi “-5”)."),
            ("12,5", "Số lượng phải là số nguyên (ghi “12,5”)."),
            (12.5, "Số lượng phải là số nguyên (ghi “12,5”)."),
            ("mười", "Số lượng phải là số nguyên không âm (ghi “mười”)."),
            ("5650/5658", "Số lượng phải là số nguyên không âm (ghi “5650/5658”)."),
            (True, "Số lượng không đọc được giá trị đúng/sai (TRUE/FALSE)."),
        ],
    )
    def test_what_is_not_a_whole_count_is_refused_in_vietnamese(self, raw, message):
        with pytest.raises(CellError) as error:
            parse_cell(COUNT, raw)
        assert str(error.value) == message

    def test_blank_and_not_applicable(self):
        assert parse_cell(COUNT, None) is BLANK
        assert parse_cell(COUNT, "   ") is BLANK
        assert parse_cell(COUNT, "/") == NA
        with pytest.raises(CellError, match="không nhận “/”"):
            parse_cell(indicator(na=False), "/")


class TestFractions:
    def test_both_parts_are_kept_even_when_the_numerator_is_larger(self):
        assert parse_cell(FRACTION, "5650/5658") == Cell(number=5650, denominator=5658)
        assert parse_cell(FRACTION, "2717/2700") == Cell(number=2717, denominator=2700)
        assert parse_cell(FRACTION, " 5.650 / 5.658 ") == Cell(number=5650, denominator=5658)

    @pytest.mark.parametrize(
        "raw, message",
        [
            ("5650,5/5658", "Tử số phải là số nguyên (ghi “5650,5”)."),
            ("5650/-1", "Mẫu số không được âm (ghi “-1”)."),
            ("1/2/3", "Tỉ lệ chỉ có một dấu “/” (ghi “1/2/3”)."),
            ("99,8%", "Chỉ tiêu dạng tỉ lệ phải ghi “tử số/mẫu số”, ví dụ 5650/5658 (ghi “99,8%”)."),
            (0.998, "Chỉ tiêu dạng tỉ lệ phải ghi “tử số/mẫu số”, ví dụ 5650/5658 (ghi “0,998”)."),
        ],
    )
    def test_parts_must_be_whole(self, raw, message):
        with pytest.raises(CellError) as error:
            parse_cell(FRACTION, raw)
        assert str(error.value) == message

    def test_a_fraction_excel_turned_into_a_date_is_explained(self):
        with pytest.raises(CellError, match="Excel đã đổi giá trị thành ngày tháng"):
            parse_cell(FRACTION, datetime.datetime(2023, 2, 13))


class TestOtherKinds:
    def test_levels(self):
        assert parse_cell(LEVELS, "H:113 X:288") == Cell(levels={"H": 113, "X": 288})
        assert parse_cell(LEVELS, "X: 288; h:113") == Cell(levels={"H": 113, "X": 288})
        assert cell_text(parse_cell(LEVELS, "X:288 H:113")) == "H:113 X:288"
        with pytest.raises(CellError, match="Cấp “Q” không có trong chỉ tiêu này"):
            parse_cell(LEVELS, "Q:1")
        with pytest.raises(CellError, match="ghi số liệu theo cấp"):
            parse_cell(LEVELS, 113)
        with pytest.raises(CellError, match="Cấp “H” ghi hai lần"):
            parse_cell(LEVELS, "H:1 H:2")

    def test_text_is_kept_as_typed(self):
        assert parse_cell(TEXT, "02 nhóm Đất đai, Chính sách xã hội)") == Cell(
            text="02 nhóm Đất đai, Chính sách xã hội)"
        )
        assert parse_cell(TEXT, 2.0) == Cell(text="2")

    def test_a_formula_without_its_value_is_reported_not_read_as_blank(self):
        with pytest.raises(
            CellError, match=r"Ô có công thức \(=SUM\(C5:C9\)\) nhưng tệp không lưu kết quả tính"
        ):
            parse_cell(COUNT, MissingCachedValue("=SUM(C5:C9)"))
        with pytest.raises(CellError, match="Ô chứa lỗi công thức #DIV/0!"):
            parse_cell(FRACTION, ErrorValue("#DIV/0!"))


class TestWrittenBack:
    @pytest.mark.parametrize("raw", ["88", "5650/5658", "/", "H:113 X:288", "02 nhóm (Đất đai)", ""])
    def test_text_round_trips(self, raw):
        kind = {"5650/5658": FRACTION, "H:113 X:288": LEVELS, "02 nhóm (Đất đai)": TEXT}.get(raw, COUNT)
        assert cell_text(parse_cell(kind, raw)) == raw

    def test_counts_go_to_excel_as_numbers_the_rest_as_text(self):
        assert cell_excel(Cell(number=88)) == 88
        assert cell_excel(Cell(number=5650, denominator=5658)) == "5650/5658"
        assert cell_excel(NA) == "/"
        assert cell_excel(BLANK) is None


class TestWarnings:
    def test_numerator_over_denominator(self):
        keys = value_warnings(FRACTION, Cell(number=2717, denominator=2700), None)
        assert keys == ["ratio:2717/2700"]
        assert warning_message(keys[0]) == "Tử số (2717) lớn hơn mẫu số (2700)."
        assert value_warnings(FRACTION, Cell(number=2700, denominator=2700), None) == []
        assert value_warnings(indicator(ValueKind.FRACTION), Cell(number=40, denominator=7), None) == []

    def test_child_over_parent(self):
        child = indicator(within_parent=True, number="4.3")
        keys = value_warnings(child, Cell(number=145), Cell(number=111))
        assert keys == ["parent:145>111"]
        assert warning_message(keys[0], child) == "Giá trị (145) lớn hơn giá trị của chỉ tiêu cha 4 (111)."
        assert value_warnings(child, Cell(number=111), Cell(number=111)) == []
        # A parent written "/" or left blank has nothing to compare.
        assert value_warnings(child, Cell(number=145), NA) == []
        assert value_warnings(child, Cell(number=145), BLANK) == []

    def test_levels_compare_level_by_level(self):
        child = indicator(ValueKind.LEVELS, within_parent=True)
        assert value_warnings(child, Cell(levels={"H": 5, "X": 9}), Cell(levels={"H": 10, "X": 8})) == [
            "parent:H:5 X:9>H:10 X:8"
        ]


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (COUNT, "9" * 5_000),
        (COUNT, "9" * 14),
        (FRACTION, "9" * 5_000 + "/3"),
        (LEVELS, "T: " + "9" * 5_000),
    ],
)
def test_a_number_of_thousands_of_digits_is_too_large_not_a_crash(kind, raw):
    # Issue 15: Python refuses to read more than 4,300 digits (ValueError),
    # which reached the view as a server error.
    with pytest.raises(CellError, match="quá lớn|phải là"):
        parse_cell(kind, raw)

"""Demo data of the indicator tables: seed 001 (Tuy Phong, Bình Thuận).

``SEED_001`` is Phụ lục 03 and Phụ lục 07 of the seed as printed, row by
row, quirks included ("1." for 1, "4." where 6 was meant, "trả kq", a name
running on over a page break, "Tinh đến" without its accent, "2717/2700"),
and the satisfaction-survey figures of its text. ``seed_workbook()`` types
them into a workbook the way an office does (title rows, the merged "Giai
đoạn 2015 - 2020" header, the header repeated where the printed page ended),
and ``load_indicator_demo()`` imports it for UBND huyện Tuy Phong through
the same import as any upload: with the warnings the figures deserve, left
for the demo user to acknowledge in the grid.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cchc.models import Unit
from cchc.reference import LoadResult
from indicators.catalogue import catalogue_load
from indicators.services import import_workbook

from .province import DEMO_PASSWORD, load_demo_province

DEMO_UNITS_FILE = Path(settings.BASE_DIR) / "fixtures" / "indicators" / "demo_binh_thuan.json"
DEMO_UNIT_CODE = "595"

YEARS = ["Năm 2015", "Năm 2016", "Năm 2017", "Năm 2018", "Năm 2019", "Năm 2020 (Tính đến 31/3)"]
# The header printed again on the next page of the seed, with its typo.
YEARS_REPEATED = [*YEARS[:-1], "Năm 2020 (Tinh đến 31/3)"]
NA = ["/"] * 6
ZEROS = [0] * 6
GROUPS = ["02 nhóm Đất đai, Chính sách xã hội)"] * 6

# (STT as printed, name as printed, the six cells). A row whose values are
# None continues the name of the row above (a page break in the printout);
# "HEADER" repeats the table header there.
PL03_ROWS = [
    ("1.", "Tổng số TTHC của ngành đã được công bố", NA),
    ("1.1", "Số lượng TTHC thực hiện tại cấp tỉnh", NA),
    ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", [88, 196, 111, 204, 263, 263]),
    ("1.3", "Số lượng TTHC thực hiện tại cấp xã", [96, 96, 96, 96, 106, 106]),
    ("1.4", "Số TTHC do tỉnh ban hành (được giao trong Luật)", NA),
    (
        "2.",
        "Số TTHC được đơn giản hóa sau rà soát (theo thẩm quyền của tỉnh, như: giảm thời gian giải quyết...)",
        ["/", "/", "/", "/", 10, 10],
    ),
    (
        "3.",
        "Số lượng thủ tục hành chính được công khai đầy đủ, đúng quy định trên Cổng/Trang Thông tin điện tử",
        [88, 196, 111, 204, 263, 263],
    ),
    ("4", "Thực hiện cơ chế một cửa, một cửa liên thông", [88, 196, 111, 204, 263, 263]),
    (
        "4.1",
        "Số lượng TTHC thực hiện được giải quyết tại Trung tâm phục vụ hành chính công cấp tỉnh hoặc "
        "Bộ phận Tiếp nhận và trả kết quả cấp sở, ngành",
        NA,
    ),
    ("4.2", "Số lượng TTHC thực hiện việc tiếp nhận,", [88, 196, 111, 204, 263, 263]),
    "HEADER",
    ("", "trả kq tại Bộ phận Một cửa cấp huyện", None),
    (
        "4.3",
        "Số lượng TTHC thực hiện việc tiếp nhận, trả kết quả tại Bộ phận Một cửa cấp xã",
        [96, 157, 145, 145, 106, 106],
    ),
    (
        "4.4",
        "Số lượng TTHC được giải quyết theo cơ chế một cửa liên thông cùng cấp (giữa các Sở, ban, ngành và "
        "giữa Sở, ngành liên thông với Văn phòng UBND tỉnh/giữa các phòng ban cấp huyện).",
        [45, 50, 49, 53, 32, 32],
    ),
    (
        "4.5",
        "Số lượng TTHC hoặc nhóm TTHC được giải quyết theo hình thức liên thông giữa các cấp chính quyền "
        "(giữa cấp xã với cấp huyện/giữa cấp huyện với Sở, ban, ngành cấp tỉnh)",
        GROUPS,
    ),
    ("4.6", "Số TTHC đã thực hiện 4 tại chỗ", ["/", "/", "/", "/", 1, 1]),
    ("5", "Kết quả giải quyết hồ sơ TTHC", [None] * 6),
    (
        "5.1",
        "Tỷ lệ hồ sơ của Sở, ban, ngành giải quyết đúng hạn (ghi rõ số hồ sơ giải quyết đúng hạn/"
        "Tổng số hồ sơ đã giải quyết)",
        NA,
    ),
    (
        "5.2",
        "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn (ghi rõ số "
        "hồ sơ giải quyết đúng hạn/Tổng số hồ sơ đã giải quyết)",
        ["5650/5658", "6162/6174", "8953/8955", "9738/9743", "12411/12429", "2717/2700"],
    ),
    "HEADER",
    (
        "5.3",
        "Tỷ lệ hồ sơ TTHC cấp xã giải quyết đúng hạn (ghi rõ số hồ sơ giải quyết đúng hạn/"
        "Tổng số hồ sơ đã giải quyết)",
        [None] * 6,
    ),
    ("4.", "Tiếp nhận và xử lý PAKN về TTHC", ZEROS),
    ("6.1", "Số lượng PAKN đã tiếp nhận trong năm", ZEROS),
    ("6.2", "Số lượng PAKN đã giải quyết trong năm", ZEROS),
    ("6.3", "Số lượng PAKN được xử lý và đã công khai kết quả trả lời trên Cổng TTĐT", ZEROS),
]

PL07_ROWS = [
    (
        "1.",
        "Tỷ lệ văn bản hành chính được trao đổi dưới dạng điện tử/Tổng số văn bản đi",
        ["14622/5202", "17360/5895", "18168/6449", "20946/7203", "22735/7546", "5822/1573"],
    ),
    (
        "2.",
        "Số lượng văn bản nhận trên Trục liên thông văn bản quốc gia",
        [9420, 11465, 11719, 13743, 15189, 4249],
    ),
    (
        "3.",
        "Số lượng văn bản gửi trên Trục liên thông văn bản quốc gia",
        [5202, 5895, 6449, 7203, 7546, 1573],
    ),
    ("4.", "SL chữ ký số đã cấp", [9, 47, 95, 95, 95, 90]),
    (
        "5.",
        "Tỷ lệ công",
        ["H:113 X:288", "H:93 X:284", "H:86 X:289", "H:82 X:285", "H:86 X:278", "H:86 X:255"],
    ),
    "HEADER",
    ("", "chức có hộp thư điện tử", None),
    (
        "6.",
        "Số phòng, ban, đơn vị trực thuộc sử dụng mạng nội bộ (mạng LAN) để trao đổi công việc",
        ["2/13", "2/13", "2/13", "13/13", "13/13", "13/13"],
    ),
    ("7.", "Số TTHC đã cung cấp trực tuyến mức độ 3, mức độ 4", ["/", "/", "/", 54, 57, 57]),
    (
        "8.",
        "Số TTHC đã cung cấp trực tuyến mức độ 3, mức độ 4 "
        "không có phát sinh hồ sơ nào (không phát sinh hồ sơ nào",
        ["/", "/", "/", 14, 14, 14],
    ),
    "HEADER",
    ("", "nhận trực tiếp và nhận trực tuyển)", None),
    (
        "9.",
        "Số TTHC đã cung cấp trực tuyển mức độ 3, mức độ 4 có phát sinh hồ sơ/ Tổng số hồ sơ của TTHC "
        "triển khai trực tuyển",
        ["/", "/", "/", "40/7657", "43/8549", "43/1500"],
    ),
    (
        "10.",
        "Số hồ sơ đã giải quyết trực tuyển mức độ 3, mức độ 4/Tổng "
        "số h/sơ của TTHC triển khai trực tuyển mức độ 3, mức",
        ["/", "/", "/", "7657/7657", "8549/8549", "1500/1500"],
    ),
    "HEADER",
    ("", "độ 4", None),
    (
        "11.",
        "Số hồ sơ giải quyết qua hệ thống cửa điện tử/Tổng số hồ sơ đã tiếp nhận, giải quyết",
        ["3650/5658", "3162/6174", "4953/8955", "9738/9743", "2142/12429", "2700/2700"],
    ),
    ("12.", "Số phòng, ban chuyên môn, đơn vị trực thuộc đã công bố ISO", ["/", 12, 12, 12, 12, 12]),
]

# The survey figures of the seed's text, in the app's own layout: the
# 2015 - 2018 survey (Quyết định 3770/QĐ-UBND) and the 2019 one (Quyết định
# 1063/QĐ-UBND) count different things, so they are two tables.
SURVEY_2015 = (
    ["Năm 2015", "Năm 2016", "Năm 2017", "Năm 2018"],
    [
        ("1", "Số phiếu khảo sát đã phát ra", [850, 950, 1468, 1500]),
        ("1.1", "Số phiếu đánh giá rất hài lòng", [680, 800, 1171, 1280]),
        ("1.2", "Số phiếu đánh giá hài lòng", [170, 150, 297, 220]),
        ("1.3", "Số phiếu đánh giá không hài lòng", [None] * 4),
        ("2", "Số hồ sơ tiếp nhận trong năm", [5658, 6184, 8955, 9743]),
    ],
)
SURVEY_2019 = (
    ["Năm 2019", "Năm 2020 (Tính đến 31/3)"],
    [
        ("1", "Số phiếu khảo sát", [150, 350]),
        ("1.1", "Số phiếu có ý kiến Tốt", [130, 300]),
        ("1.2", "Số phiếu có ý kiến Bình thường", [20, 50]),
        ("2", "Số hồ sơ đã có kết quả giải quyết được khảo sát", [2024, 2717]),
    ],
)

#: What the seed's figures deserve: (appendix, STT, period key, message part).
SEED_WARNINGS = [
    ("PL03", "4.3", "2015", "96>88"),
    ("PL03", "4.3", "2017", "145>111"),
    ("PL03", "5.2", "2020-03-31", "2717/2700"),
    ("PL07", "1", "2015", "14622/5202"),
    ("PL07", "1", "2016", "17360/5895"),
    ("PL07", "1", "2017", "18168/6449"),
    ("PL07", "1", "2018", "20946/7203"),
    ("PL07", "1", "2019", "22735/7546"),
    ("PL07", "1", "2020-03-31", "5822/1573"),
]


@dataclass
class _Sheet:
    title: str
    rows: list


def _header(sheet, row: int, years: list[str]) -> int:
    sheet.cell(row=row, column=1, value="STT")
    sheet.cell(row=row, column=2, value="Chỉ tiêu")
    sheet.cell(row=row, column=3, value=f"Giai đoạn {years[0][4:8]} - {years[-1][4:8]}")
    sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=2 + len(years))
    sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    sheet.merge_cells(start_row=row, start_column=2, end_row=row + 1, end_column=2)
    for offset, text in enumerate(years):
        sheet.cell(row=row + 1, column=3 + offset, value=text)
    for column in range(1, 3 + len(years)):
        sheet.cell(row=row, column=column).font = Font(bold=True)
        sheet.cell(row=row + 1, column=column).font = Font(bold=True)
    return row + 2


def _table(sheet, row: int, rows: list, years: list[str]) -> int:
    row = _header(sheet, row, years)
    for item in rows:
        if item == "HEADER":
            row = _header(sheet, row, YEARS_REPEATED)
            continue
        number, name, values = item
        if number:
            sheet.cell(row=row, column=1, value=number)
        sheet.cell(row=row, column=2, value=name).alignment = Alignment(wrap_text=True)
        for offset, value in enumerate(values or []):
            if value is not None:
                cell = sheet.cell(row=row, column=3 + offset, value=value)
                if isinstance(value, str):
                    cell.number_format = "@"
        row += 1
    return row


def seed_workbook() -> bytes:
    """Seed 001's two tables and survey figures as an office types them."""
    workbook = Workbook()
    pl03 = workbook.active
    pl03.title = "Phụ lục 03"
    pl03["A1"] = "Phụ lục 03:"
    pl03["A2"] = "Thống kê các chỉ tiêu tại lĩnh vực cải cách thủ tục hành chính của các ngành,"
    pl03["A3"] = "địa phương"
    pl03["A4"] = "(kèm theo Đề cương Báo cáo)"
    _table(pl03, 6, PL03_ROWS, YEARS)

    pl07 = workbook.create_sheet("Phụ lục 07")
    pl07["A1"] = "Phụ lục 07:"
    pl07["A2"] = "Thống kê các chỉ tiêu tại lĩnh vực hiện đại hóa hành chính của các ngành,"
    pl07["A3"] = "địa phương"
    pl07["A4"] = "(Kèm theo Đề cương Báo cáo)"
    _table(pl07, 6, PL07_ROWS, YEARS)

    survey = workbook.create_sheet("Khảo sát")
    survey["A1"] = "Khảo sát sự hài lòng"
    survey["A2"] = "Kết quả khảo sát sự hài lòng của tổ chức, cá nhân (Quyết định số 3770/QĐ-UBND)"
    row = _table(survey, 4, SURVEY_2015[1], SURVEY_2015[0]) + 1
    survey.cell(row=row, column=1, value="Khảo sát sự hài lòng")
    survey.cell(row=row + 1, column=1, value="Kết quả đánh giá theo Quyết định số 1063/QĐ-UBND")
    _table(survey, row + 3, SURVEY_2019[1], SURVEY_2019[0])
    for sheet in workbook.worksheets:
        sheet.column_dimensions["B"].width = 60
        for letter in "CDEFGH":
            sheet.column_dimensions[letter].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def demo_unit() -> Unit:
    return Unit.objects.get(code=DEMO_UNIT_CODE)


def load_indicator_demo(*, password: str = DEMO_PASSWORD) -> LoadResult:
    """Load the catalogue, UBND tỉnh Bình Thuận and UBND huyện Tuy Phong
    with their demo users, and import seed 001's tables for Tuy Phong.
    Idempotent: a second run changes nothing. For ``load_demo`` to call."""
    with transaction.atomic():
        catalogue = catalogue_load()
        result = load_demo_province(path=DEMO_UNITS_FILE, password=password)
        result.created["biểu chỉ tiêu"] += catalogue.created["templates"]
        result.created["chỉ tiêu"] += catalogue.created["indicators"]
        outcome = import_workbook(
            source=seed_workbook(),
            default_unit=demo_unit(),
            dry_run=False,
            acknowledge=False,
            keep_warnings=True,
        )
        if not outcome.applied:
            raise RuntimeError(f"Seed 001 did not import: {outcome.problems}")
        result.created["bảng số liệu chỉ tiêu"] += outcome.totals.get("tables_new", 0)
        result.created["số liệu chỉ tiêu"] += outcome.totals.get("cells_new", 0)
    return result

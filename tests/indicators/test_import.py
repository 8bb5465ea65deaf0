"""Importing workbooks, all or nothing: seed 001 as an office typed it,
with the warnings its figures deserve, exported back with the same figures;
a workbook full of problems that saves nothing and reports every one; the
same file twice changing nothing."""

import datetime

import pytest

from cchc.models import Unit
from demo.indicator_tables import DEMO_UNITS_FILE, SEED_WARNINGS, seed_workbook
from demo.province import load_demo_province
from indicators.choices import TableStatus
from indicators.exports import export_workbook
from indicators.layouts import read_layout
from indicators.models import IndicatorTable, IndicatorTableEvent, IndicatorValue
from indicators.selectors import tables_for_export
from indicators.services import import_workbook
from indicators.xlsx import open_workbook
from tests.indicators.conftest import cells_of, imported, office_sheet, workbook_bytes

Q1_2020 = "2020-03-31"


@pytest.fixture
def tuy_phong(db, catalogue):
    load_demo_province(path=DEMO_UNITS_FILE, password="Mat-khau-thu-2025")
    return Unit.objects.get(code="595")


def snapshot():
    """Everything an import can change, to compare before and after."""
    return {
        "tables": sorted(IndicatorTable.objects.values_list("pk", "status", "updated_at")),
        "values": sorted(
            IndicatorValue.objects.values_list("pk", "version", "updated_at", "number", "denominator", "text")
        ),
        "events": IndicatorTableEvent.objects.count(),
        "history": IndicatorValue.history.count(),
    }


class TestSeed001:
    def test_the_check_finds_the_warnings_the_figures_deserve_and_saves_nothing(self, tuy_phong):
        outcome = import_workbook(source=seed_workbook(), default_unit=tuy_phong, dry_run=True)

        assert outcome.problems == []
        found = {(w["indicator"], w["period"], " ".join(w["messages"])) for w in outcome.warnings}
        labels = {"PL03": "Phụ lục 03", "PL07": "Phụ lục 07"}
        period_labels = {Q1_2020: "Năm 2020 (tính đến 31/3)"}
        assert len(found) == len(SEED_WARNINGS) == 9
        for code, number, period, figures in SEED_WARNINGS:
            matching = [
                w
                for w in found
                if w[0] == f"{labels[code]} {number}" and w[1] == period_labels.get(period, f"Năm {period}")
            ]
            assert len(matching) == 1, (code, number, period)
            first, second = figures.replace(">", "/").split("/")
            assert first in matching[0][2] and second in matching[0][2]
        # Each warning says where it is in the file.
        where = {w["where"] for w in outcome.warnings}
        assert "Trang tính “Phụ lục 03”, dòng 27, cột H (Năm 2020 (Tính đến 31/3))" in where
        assert outcome.totals["tables_new"] == 6
        assert outcome.totals["cells_new"] == 216
        assert "nhận là chỉ tiêu 6" in " ".join(note["message"] for note in outcome.notes)
        assert IndicatorTable.objects.count() == 0
        assert IndicatorValue.objects.count() == 0

    def test_imported_with_acknowledged_warnings_and_exported_back_with_the_same_figures(self, tuy_phong):
        outcome = import_workbook(
            source=seed_workbook(), default_unit=tuy_phong, dry_run=False, acknowledge=True
        )
        assert outcome.applied, outcome.problems

        stored = cells_of(tuy_phong)
        # Figures as the seed prints them.
        assert stored[("PL03", "1.2", "2015")] == "88"
        assert stored[("PL03", "1", "2019")] == "/"
        assert stored[("PL03", "4.2", "2016")] == "196"
        assert stored[("PL03", "4.5", "2017")] == "02 nhóm Đất đai, Chính sách xã hội)"
        assert stored[("PL03", "5.2", "2015")] == "5650/5658"
        assert stored[("PL03", "5.2", Q1_2020)] == "2717/2700"
        assert stored[("PL03", "6.1", "2019")] == "0"
        assert stored[("PL03", "6", "2018")] == "0"  # the row printed "4."
        assert ("PL03", "5.3", "2019") not in stored  # blank in the seed: not reported
        assert stored[("PL07", "5", "2015")] == "H:113 X:288"
        assert stored[("PL07", "1", "2019")] == "22735/7546"
        assert stored[("PL07", "11", Q1_2020)] == "2700/2700"
        assert stored[("PL07", "12", "2015")] == "/"
        assert stored[("KS", "2", "2016")] == "6184"
        assert stored[("KS", "1.1", "2019")] == "130"
        assert len(stored) == 216
        flagged = IndicatorValue.objects.exclude(warnings=[])
        assert flagged.count() == 9
        assert not flagged.filter(needs_acknowledgement=True).exists()

        exported = export_workbook(
            units=[tuy_phong],
            tables=tables_for_export(units=[tuy_phong], first=2015, last=2020),
            first=2015,
            last=2020,
        )
        parsed = read_layout(open_workbook(exported), default_unit=tuy_phong)
        assert parsed.problems == []
        assert {
            (parsed.indicators[pk].template.code, parsed.indicators[pk].number, period.key): str(raw)
            for (_unit, period), cells in parsed.cells.items()
            for pk, raw in cells.items()
            if raw not in ("", None)
        } == stored
        # Imported back, the export changes nothing.
        before = snapshot()
        again = import_workbook(source=exported, default_unit=tuy_phong, dry_run=False, acknowledge=True)
        assert again.applied and again.totals["cells_unchanged"] == again.totals["cells"]
        assert snapshot() == before

    def test_warnings_must_be_acknowledged(self, tuy_phong):
        outcome = import_workbook(source=seed_workbook(), default_unit=tuy_phong, dry_run=False)
        assert not outcome.applied
        assert outcome.problems[-1]["message"] == "Có 9 ô có cảnh báo cần xác nhận trước khi nhập."
        assert IndicatorValue.objects.count() == 0


def problem_workbook(wb):
    pl03 = wb.active
    pl03.title = "PL03"
    years = ["Năm 2015", "Năm 2016", "Năm 2017", "Năm 2018 (ước)"]
    office_sheet(
        pl03,
        [
            ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88, "12,5", 111, 204),
            ("1.3", "Số lượng TTHC thực hiện tại cấp xã", 96, 96, -3, None),
            ("5.1", "Tỷ lệ hồ sơ của Sở, ban, ngành giải quyết đúng hạn", "100/120", None, None, None),
            ("5.2", "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn", "5650/5658", "99%", None, None),
            ("7.1", "Số cuộc họp giao ban về CCHC", 4, 4, 4, None),
            ("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88, None, None, None),
        ],
        years=years,
    )
    survey = wb.create_sheet("Khảo sát")
    office_sheet(
        survey,
        [("1", "Số phiếu khảo sát", "/"), ("1.1", "Số phiếu có ý kiến Tốt", 130)],
        title="Khảo sát sự hài lòng",
        years=["Năm 2019"],
    )


class TestProblems:
    EXPECTED = [
        ("Khảo sát", 6, "C", "Chỉ tiêu này không nhận “/” (không áp dụng); hãy ghi số liệu hoặc để trống."),
        ("PL03", 5, "F", "Tiêu đề cột “Năm 2018 (ước)” không ghi năm hay kỳ báo cáo"),
        ("PL03", 6, "D", "Số lượng phải là số nguyên (ghi “12,5”)."),
        ("PL03", 7, "E", "Số lượng không được âm (ghi “-3”)."),
        ("PL03", 8, "C", "Chỉ tiêu 5.1 không áp dụng với ubnd huyện, thị xã, thành phố thuộc tỉnh"),
        ("PL03", 9, "D", "Chỉ tiêu dạng tỉ lệ phải ghi “tử số/mẫu số”, ví dụ 5650/5658 (ghi “99%”)."),
        ("PL03", 10, "A", "Không tìm thấy chỉ tiêu “7.1 Số cuộc họp giao ban về CCHC” trong Phụ lục 03"),
        (
            "PL03",
            11,
            "C",
            "Số liệu của chỉ tiêu 1.2, Năm 2015, UBND huyện Duy Xuyên đã có ở Trang tính “PL03”, dòng 6",
        ),
    ]

    def test_nothing_is_saved_and_every_problem_is_reported_where_it_is(self, catalogue, units):
        data = workbook_bytes(problem_workbook)
        before = snapshot()

        outcome = imported(data, units.district_a)

        assert not outcome.applied
        reported = [(p["sheet"], p["row"], p["column"], p["message"]) for p in outcome.problems]
        assert len(reported) == len(self.EXPECTED)
        for (sheet, row, column, message), expected in zip(sorted(reported), self.EXPECTED, strict=True):
            assert (sheet, row, column) == expected[:3]
            assert message.startswith(expected[3]), message
        assert snapshot() == before
        assert IndicatorTable.objects.count() == 0

    def test_the_check_reports_the_same_problems(self, catalogue, units):
        outcome = imported(workbook_bytes(problem_workbook), units.district_a, dry_run=True)
        assert sorted((p["sheet"], p["row"], p["column"]) for p in outcome.problems) == [
            e[:3] for e in self.EXPECTED
        ]
        assert IndicatorTable.objects.count() == 0


class TestAllOrNothing:
    def rows(self, value):
        return [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88, value)]

    def test_the_same_file_twice_changes_nothing_the_second_time(self, catalogue, units):
        data = workbook_bytes(lambda wb: office_sheet(wb.active, self.rows(196)))
        first = imported(data, units.district_a)
        assert first.applied and first.totals["cells_new"] == 2
        before = snapshot()
        second = imported(data, units.district_a)
        assert second.applied
        assert (
            second.totals["cells_new"],
            second.totals["cells_changed"],
            second.totals["cells_cleared"],
        ) == (0, 0, 0)
        assert second.totals["tables_unchanged"] == 6
        assert snapshot() == before

    def test_a_changed_file_updates_and_a_blank_cell_clears(self, catalogue, units):
        imported(workbook_bytes(lambda wb: office_sheet(wb.active, self.rows(196))), units.district_a)
        outcome = imported(
            workbook_bytes(
                lambda wb: office_sheet(
                    wb.active, self.rows(None)[:1] and [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 90)]
                )
            ),
            units.district_a,
        )
        assert (outcome.totals["cells_changed"], outcome.totals["cells_cleared"]) == (1, 1)
        assert cells_of(units.district_a) == {("PL03", "1.2", "2015"): "90"}
        assert IndicatorTable.objects.filter(unit=units.district_a).count() == 2

    def test_a_submitted_table_is_not_changed_by_an_import(self, catalogue, units):
        imported(workbook_bytes(lambda wb: office_sheet(wb.active, self.rows(196))), units.district_a)
        IndicatorTable.objects.filter(year=2016).update(status=TableStatus.SUBMITTED)
        outcome = imported(
            workbook_bytes(lambda wb: office_sheet(wb.active, self.rows(200))), units.district_a
        )
        assert not outcome.applied
        assert outcome.problems[0]["message"] == (
            "Bảng số liệu Năm 2016 của UBND huyện Duy Xuyên đang "
            "ở trạng thái “Đã gửi, chờ duyệt”: không sửa được."
        )
        assert cells_of(units.district_a)[("PL03", "1.2", "2016")] == "196"

    def test_units_outside_the_users_scope(self, catalogue, units, officer_a):
        def build(wb):
            wb.active.title = "508"
            office_sheet(wb.active, self.rows(196))
            office_sheet(wb.create_sheet("506"), self.rows(150))

        from indicators.selectors import editable_unit_ids

        outcome = imported(
            workbook_bytes(build),
            units.province,
            user=officer_a,
            editable_unit_ids=editable_unit_ids(officer_a),
        )
        assert not outcome.applied
        assert [p["message"] for p in outcome.problems] == [
            "UBND huyện Đại Lộc không thuộc phạm vi bạn được nhập số liệu."
        ]
        assert IndicatorValue.objects.count() == 0

    def test_a_warning_the_check_did_not_show_stops_the_import(self, catalogue, units):
        rows = [("5.2", "Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn", "2717/2700")]
        data = workbook_bytes(lambda wb: office_sheet(wb.active, rows))
        outcome = imported(data, units.district_a, expected_warnings=set())
        assert not outcome.applied
        assert "Số liệu trong hệ thống đã thay đổi từ khi kiểm tra tệp" in outcome.problems[-1]["message"]
        preview = imported(data, units.district_a, dry_run=True)
        outcome = imported(data, units.district_a, expected_warnings=preview.warning_signatures())
        assert outcome.applied
        value = IndicatorValue.objects.get()
        assert (value.warnings, value.acknowledged_warnings, value.needs_acknowledgement) == (
            ["ratio:2717/2700"],
            ["ratio:2717/2700"],
            False,
        )

    def test_part_year_periods_are_their_own_tables(self, catalogue, units):
        data = workbook_bytes(
            lambda wb: office_sheet(
                wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", *[None] * 5, 263)]
            )
        )
        imported(data, units.district_a)
        table = IndicatorTable.objects.get()
        assert (table.year, table.through) == (2020, datetime.date(2020, 3, 31))


def test_text_with_tabs_line_breaks_and_backslashes_is_stored_as_typed(catalogue, units):
    text = "02 nhóm\t(Đất đai\\Chính sách xã hội)\nvà “liên thông”"
    rows = [("4.5", "Số lượng TTHC hoặc nhóm TTHC được giải quyết theo hình thức liên thông", text, "/")]
    outcome = imported(workbook_bytes(lambda wb: office_sheet(wb.active, rows)), units.district_a)
    assert outcome.applied, outcome.problems
    assert cells_of(units.district_a) == {("PL03", "4.5", "2015"): text, ("PL03", "4.5", "2016"): "/"}

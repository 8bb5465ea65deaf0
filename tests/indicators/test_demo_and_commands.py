"""The demo data of seed 001, and the command-line import and export."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from cchc.models import Unit, User
from demo.indicator_tables import load_indicator_demo, seed_workbook
from indicators.models import IndicatorTable, IndicatorValue
from tests.indicators.conftest import office_sheet, workbook_bytes
from tests.indicators.test_import import problem_workbook


def test_the_demo_loads_tuy_phong_with_its_flagged_cells_and_twice_changes_nothing(db):
    load_indicator_demo()
    tuy_phong = Unit.objects.get(code="595")
    assert (tuy_phong.name, tuy_phong.parent.name, str(tuy_phong.valid_to)) == (
        "Ủy ban nhân dân huyện Tuy Phong",
        "Ủy ban nhân dân tỉnh Bình Thuận",
        "2025-06-30",
    )
    assert IndicatorTable.objects.filter(unit=tuy_phong).count() == 6
    assert IndicatorValue.objects.filter(table__unit=tuy_phong).count() == 216
    # Left for the demo user to acknowledge in the grid.
    assert IndicatorValue.objects.filter(needs_acknowledgement=True).count() == 9
    assert User.objects.get(username="officer_tuyphong").memberships.get().unit == tuy_phong
    counts = (IndicatorValue.objects.count(), IndicatorValue.history.count(), IndicatorTable.objects.count())
    again = load_indicator_demo()
    assert again.changed == 0
    assert (
        IndicatorValue.objects.count(),
        IndicatorValue.history.count(),
        IndicatorTable.objects.count(),
    ) == counts


def test_the_demo_command_needs_demo_data_allowed(db, settings):
    settings.CCHC_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="CCHC_ALLOW_DEMO_DATA"):
        call_command("load_indicator_demo")


class TestCommands:
    @pytest.fixture
    def seed_file(self, tmp_path, catalogue):
        path = tmp_path / "tuy-phong.xlsx"
        path.write_bytes(seed_workbook())
        return path

    def test_dry_run_prints_warnings_and_saves_nothing(self, seed_file, units):
        out = StringIO()
        call_command("import_indicators", str(seed_file), "--unit", "508", "--dry-run", stdout=out)
        text = out.getvalue()
        assert "Đọc 3 trang tính: 1 đơn vị, 6 bảng, 232 ô." in text
        assert (
            "Cảnh báo · Trang tính “Phụ lục 03”, dòng 27, cột H (Năm 2020 (Tính "
            "đến 31/3)) · Phụ lục 03 5.2: Tử số (2717) lớn hơn mẫu số (2700)." in text
        )
        assert "--acknowledge-warnings" in text
        assert not IndicatorValue.objects.exists()

    def test_dry_run_prints_every_problem(self, tmp_path, catalogue, units):
        path = tmp_path / "loi.xlsx"
        path.write_bytes(workbook_bytes(problem_workbook))
        err = StringIO()
        with pytest.raises(CommandError, match="Tệp có 8 lỗi"):
            call_command(
                "import_indicators", str(path), "--unit", "508", "--dry-run", stdout=StringIO(), stderr=err
            )
        assert (
            "Lỗi · Trang tính “PL03”, dòng 7, cột E (Năm 2017): Số lượng không được âm (ghi “-3”)."
            in err.getvalue()
        )

    def test_import_needs_the_warnings_acknowledged_then_exports(self, seed_file, units, tmp_path):
        with pytest.raises(CommandError, match="không có gì được lưu"):
            call_command(
                "import_indicators", str(seed_file), "--unit", "508", stdout=StringIO(), stderr=StringIO()
            )
        assert not IndicatorValue.objects.exists()
        call_command(
            "import_indicators", str(seed_file), "--unit", "508", "--acknowledge-warnings", stdout=StringIO()
        )
        assert IndicatorValue.objects.count() == 216

        out = tmp_path / "xuat.xlsx"
        call_command(
            "export_indicators", "--unit", "508", "--years", "2015-2020", "--out", str(out), stdout=StringIO()
        )
        sheet = load_workbook(io.BytesIO(out.read_bytes()))["508"]
        assert any(row[0] == "5.2" and row[7] == "2717/2700" for row in sheet.iter_rows(values_only=True))

    def test_unknown_unit(self, seed_file):
        with pytest.raises(CommandError, match="Không có đơn vị mã “999”"):
            call_command("import_indicators", str(seed_file), "--unit", "999")

    def test_a_users_scope_applies(self, tmp_path, catalogue, units, officer_b):
        path = tmp_path / "dx.xlsx"
        path.write_bytes(
            workbook_bytes(
                lambda wb: office_sheet(wb.active, [("1.2", "Số lượng TTHC thực hiện tại cấp huyện", 88)])
            )
        )
        with pytest.raises(CommandError):
            call_command(
                "import_indicators",
                str(path),
                "--unit",
                "508",
                "--user",
                officer_b.username,
                stdout=StringIO(),
                stderr=StringIO(),
            )
        assert not IndicatorValue.objects.exists()

"""Fixtures of the official-document tests: a province plan with its team,
an inspection of Duy Xuyên with two points in each part, and the demo
signing certificate configured as the organisation's."""

import datetime

import pytest

from demo.certificate import create_demo_certificate
from inspections.choices import FindingKind, TeamRole
from inspections.services import finding_create, team_create
from tests.factories import InspectionFactory, InspectionPlanFactory


@pytest.fixture
def signing_files(settings, tmp_path):
    p12, root = create_demo_certificate(
        directory=tmp_path,
        organisation="UBND tỉnh Quảng Nam",
        password="mật-khẩu-thử",
        root_key_path=tmp_path / "demo-root-key.pem",
    )
    settings.CCHC_SIGNING_P12 = p12
    settings.CCHC_SIGNING_P12_DIR = str(tmp_path / "bodies")
    settings.CCHC_SIGNING_P12_PASSWORD = "mật-khẩu-thử"
    settings.CCHC_TRUSTED_ROOTS = [root]
    return p12, root


@pytest.fixture
def plan(units):
    plan = InspectionPlanFactory(issuer=units.province, year=2025)
    team_create(
        plan=plan,
        name="Đoàn kiểm tra công tác cải cách hành chính năm 2025",
        decision_number="1443/QĐ-UBND",
        decision_date=datetime.date(2025, 5, 1),
        decision_issuer=units.province,
        document_symbol="ĐKT",
        members=[{"full_name": "Lê Ngọc Quảng", "position": "Phó Chánh Văn phòng", "role": TeamRole.HEAD}],
    )
    return plan


@pytest.fixture
def inspection(plan, units, reform_areas, inspector):
    inspection = InspectionFactory(
        plan=plan, team=plan.teams.get(), unit=units.district_a, inspected_on=datetime.date(2025, 5, 10)
    )
    area = reform_areas.tthc
    for kind, texts in {
        FindingKind.ACHIEVEMENT: ["Ban hành kế hoạch CCHC năm 2025 đúng hạn.", "Công khai đầy đủ TTHC."],
        FindingKind.SHORTCOMING: [
            "Tỷ lệ hồ sơ trễ hạn còn cao (29,9%).",
            "<script>alert(1)</script> chưa xin lỗi.",
        ],
        FindingKind.RECOMMENDATION: ["Khắc phục tình trạng trễ hạn.", "Chuyển đổi ISO 9001:2015."],
    }.items():
        for text in texts:
            finding_create(
                inspection=inspection, kind=kind, reform_area=area, text=text, created_by=inspector
            )
    return inspection

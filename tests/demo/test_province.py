"""The reference catalogues and the demo province load idempotently, and the
Duy Xuyên conclusion is entered exactly as Thông báo số 146/TB-ĐKT states it."""

import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.models import Membership, ReformArea, Unit, UnitSuccession, User
from cchc.reference import load_reform_areas
from cchc.services import current_successors
from demo.province import DEMO_PASSWORD, DemoDataError, load_all_demo, load_demo_province
from inspections.choices import FindingKind
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationTask,
    TeamMember,
)

# The seed's text is kept in the repository (the suite reads nothing outside it).
SEED_000 = Path(django_settings.BASE_DIR) / "tests" / "inspections" / "seeds" / "000_ecac711c9abcd006.txt"
DEMO_MODELS = [
    ReformArea,
    Unit,
    UnitSuccession,
    User,
    Membership,
    InspectionPlan,
    InspectionTeam,
    TeamMember,
    Inspection,
    Finding,
    RemediationTask,
]


@pytest.fixture
def demo(db, settings):
    settings.CCHC_ALLOW_DEMO_DATA = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    counted = {model.__name__: model.objects.count() for model in DEMO_MODELS}
    counted["Finding.history"] = Finding.history.count()
    counted["RemediationTask.history"] = RemediationTask.history.count()
    return counted


def duy_xuyen_inspection() -> Inspection:
    return Inspection.objects.get(plan__year=2019, plan__number="2005/KH-UBND", unit__code="508")


def texts(inspection: Inspection, kind: str) -> list[str]:
    findings = inspection.findings.filter(kind=kind).order_by("position")
    assert [finding.position for finding in findings] == list(range(1, len(findings) + 1))
    return [finding.text for finding in findings]


@pytest.mark.django_db
def test_load_demo_twice_duplicates_nothing(demo):
    first = counts()
    # 7 users of the demo province, 2 of the indicator demo (Tuy Phong), 7 of
    # the PAR index demo (Đà Nẵng).
    assert first["Unit"] > 40 and first["Finding"] > 16 and first["User"] == 16

    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert load_all_demo().changed == 0


@pytest.mark.django_db
def test_load_demo_prints_the_demo_logins(demo):
    for username in ("inspector", "officer", "leader", "admin", "officer_sonham"):
        assert username in demo
    assert DEMO_PASSWORD in demo


@pytest.mark.django_db
def test_demo_users_have_the_demo_password_and_roles(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
    assert {
        (m.user.username, m.role, m.unit.short_name)
        for m in Membership.objects.select_related("user", "unit")
    } >= {
        ("inspector", "inspector", "UBND tỉnh Quảng Nam"),
        ("officer", "unit_officer", "UBND huyện Duy Xuyên"),
        ("leader", "leader", "UBND tỉnh Quảng Nam"),
        ("admin", "administrator", "UBND tỉnh Quảng Nam"),
        ("officer_sonham", "unit_officer", "UBND xã Sơn Hàm"),
        # and, since 1/7/2025, today's units (issue 16)
        ("leader", "leader", "UBND thành phố Đà Nẵng"),
        ("officer", "unit_officer", "UBND xã Duy Xuyên"),
        ("officer_sonham", "unit_officer", "UBND xã Kim Hoa"),
    }


@pytest.mark.django_db
def test_duy_xuyen_findings_follow_the_notice(demo):
    inspection = duy_xuyen_inspection()
    achievements = texts(inspection, FindingKind.ACHIEVEMENT)
    shortcomings = texts(inspection, FindingKind.SHORTCOMING)
    recommendations = texts(inspection, FindingKind.RECOMMENDATION)

    assert (len(achievements), len(shortcomings), len(recommendations)) == (5, 5, 6)
    assert achievements[0].startswith(
        "Ban hành Kế hoạch công tác cải cách hành chính năm 2019 với 07 nhiệm vụ"
    )
    assert shortcomings[0].startswith(
        "Công tác chỉ đạo, tổ chức thực hiện cải cách hành chính ở một số đơn vị"
    )
    assert recommendations[0].startswith("Tiếp tục quan tâm nâng cấp Bộ phận Tiếp nhận và Trả kết quả cấp xã")
    assert achievements[2].endswith("theo lộ trình thực hiện thí điểm...")
    assert not any("**" in text for text in achievements + shortcomings + recommendations)

    # Concluded, then remediated by the demo (demo.living): a closed record.
    assert inspection.status == "closed"
    assert inspection.inspected_on == datetime.date(2019, 10, 15)
    assert inspection.notice_issued_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date() == (
        datetime.date(2019, 11, 8)
    )
    assert inspection.team.decision_number == "1443/QĐ-UBND" and inspection.team.document_symbol == "ĐKT"
    assert inspection.team.head.full_name == "Lê Ngọc Quảng"
    assert inspection.introduction.startswith("Thực hiện Kế hoạch số 2005/KH-UBND ngày 16/4/2019")
    assert all(f.reform_area.is_valid_in(2019) for f in inspection.findings.select_related("reform_area"))


@pytest.mark.django_db
def test_duy_xuyen_findings_are_verbatim_from_the_seed(demo):
    seed = SEED_000.read_text(encoding="utf-8").replace("**", "")
    parts = re.split(r"^#+ *(?:I|II|III)\. .*$", seed, flags=re.MULTILINE)[1:]
    expected = [re.findall(r"^\d+\. (.+)$", part.split("Nơi nhận:")[0], flags=re.MULTILINE) for part in parts]
    # "./." closes the whole notice; the document template prints it, not point 6.
    expected[2][-1] = expected[2][-1].removesuffix("/.")

    inspection = duy_xuyen_inspection()
    kinds = [FindingKind.ACHIEVEMENT, FindingKind.SHORTCOMING, FindingKind.RECOMMENDATION]
    assert [texts(inspection, kind) for kind in kinds] == [
        [line.strip() for line in part] for part in expected
    ]


@pytest.mark.django_db
def test_each_recommendation_has_a_task_for_duy_xuyen(demo):
    inspection = duy_xuyen_inspection()
    tasks = RemediationTask.objects.filter(inspection=inspection).select_related(
        "finding", "responsible_unit"
    )
    assert len(tasks) == 6
    for task in tasks:
        assert task.finding.kind == FindingKind.RECOMMENDATION
        assert task.description == task.finding.text
        assert task.responsible_unit == inspection.unit
        assert task.deadline == datetime.date(2019, 12, 31)


@pytest.mark.django_db
def test_duy_xuyen_ended_and_rolls_up_to_the_new_communes(demo):
    duy_xuyen = Unit.objects.get(code="508")
    assert duy_xuyen.name == "Ủy ban nhân dân huyện Duy Xuyên"
    assert duy_xuyen.valid_to == datetime.date(2025, 6, 30)
    links = duy_xuyen.successions_out.select_related("successor")
    assert {link.successor.short_name for link in links} == {
        "UBND xã Duy Nghĩa",
        "UBND xã Nam Phước",
        "UBND xã Duy Xuyên",
        "UBND xã Thu Bồn",
    }
    for link in links:
        assert link.effective_date == datetime.date(2025, 7, 1)
        assert link.successor.valid_from == datetime.date(2025, 7, 1)
        assert link.successor.parent.code == "48"

    quang_nam = Unit.objects.get(code="49")
    assert quang_nam.valid_to == datetime.date(2025, 6, 30)
    assert [u.code for u in current_successors(quang_nam)] == ["48"]
    duy_vinh = Unit.objects.get(name="Ủy ban nhân dân xã Duy Vinh")
    assert [u.short_name for u in current_successors(duy_vinh)] == ["UBND xã Nam Phước"]
    # Sơn Hàm merged into Hàm Trường on 1/1/2025, which merged into Kim Hoa on 1/7/2025.
    son_ham = Unit.objects.get(name="Ủy ban nhân dân xã Sơn Hàm")
    assert son_ham.valid_to == datetime.date(2024, 12, 31)
    assert [u.code for u in current_successors(son_ham)] == ["18223"]


@pytest.mark.django_db
def test_unit_paths_are_computed_by_save(demo):
    for unit in Unit.objects.select_related("parent"):
        prefix = unit.parent.path if unit.parent_id else "/"
        assert unit.path == f"{prefix}{unit.pk}/"


@pytest.mark.django_db
def test_huong_son_plan_has_a_draft(demo):
    plan = InspectionPlan.objects.get(year=2023, number="54/KH-UBND", issuer__code="439")
    inspections = list(plan.inspections.select_related("unit"))
    drafts = [i for i in inspections if not i.is_issued]
    assert len(inspections) == 3 and len(drafts) == 1
    assert drafts[0].unit.short_name == "UBND xã An Hòa Thịnh"
    assert not drafts[0].tasks.exists()
    son_ham = Membership.objects.get(user__username="officer_sonham", valid_to="2024-12-31").unit
    assert son_ham not in plan.planned_units.all()


@pytest.mark.django_db
def test_load_demo_refuses_unless_allowed(db, settings):
    settings.CCHC_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="CCHC_ALLOW_DEMO_DATA"):
        call_command("load_demo", stdout=StringIO())
    assert User.objects.count() == 0 and Unit.objects.count() == 0 and ReformArea.objects.count() == 0


@pytest.mark.django_db
def test_load_catalogues_runs_without_the_demo_flag_and_is_idempotent(db, settings):
    settings.CCHC_ALLOW_DEMO_DATA = False
    call_command("load_catalogues", stdout=StringIO())
    call_command("load_catalogues", stdout=StringIO())
    areas = ReformArea.objects.all()
    assert areas.count() == 14
    current = [a.name for a in areas if a.is_valid_in(2025)]
    older = [a.name for a in areas if a.is_valid_in(2019)]
    assert "Cải cách chế độ công vụ" in current and "Hiện đại hóa hành chính" not in current
    assert "Hiện đại hóa hành chính" in older and "Cải cách chế độ công vụ" not in older
    assert all(a.valid_to_year is None for a in areas if a.valid_from_year == 2021)
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_broken_demo_file_loads_nothing(db, tmp_path):
    load_reform_areas()
    document = json.loads(
        (Path(django_settings.BASE_DIR) / "fixtures" / "demo_province.json").read_text("utf-8")
    )
    document["units"][1]["parent"] = "no-such-unit"
    broken = tmp_path / "demo.json"
    broken.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DemoDataError, match="no-such-unit"):
        load_demo_province(path=broken)
    assert Unit.objects.count() == 0

"""A province with two years of inspections, tasks in every state, reports
that make some tasks on time and some late, indicator tables, and a commune
that ended on 30/6/2025 (xã Đại Cường, taken over by xã Vu Gia), so that
each dashboard figure has a known value.

Figures of 2024 for the whole province (see ``expected``):

- planned 5 (four units in the province's plan, one in Duy Xuyên's own);
  inspections 5, done 4 (the department is still "planned"), issued 3;
- tasks 5: T1 accepted on time, T2 accepted late, T3 open and overdue,
  T4 open and not due, T5 returned and overdue: open 3, overdue 2,
  accepted 2, due 4, on time 1 (25 %), 82 days to remediate on average;
- shortcomings 4, of which 2 recurring (Duy Xuyên and Đại Cường had one in
  the same area in 2023), the text of S1 twice;
- on-time dossiers 325/350 from the tables of Duy Sơn (commune, 90/100),
  Đại Cường (commune, 45/50) and Duy Xuyên (district, 190/200); the
  province's own table and a draft do not count.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from dashboards.rollup import rollup_refresh
from indicators.catalogue import catalogue_load
from indicators.choices import TableStatus
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from inspections.choices import (
    FindingKind,
    InspectionStatus,
    RemediationReportStatus,
    ReviewDecision,
    TaskStatus,
)
from inspections.models import RemediationReport, RemediationReportItem
from tests.factories import FindingFactory, InspectionFactory, InspectionPlanFactory, RemediationTaskFactory

S1 = "Chưa niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa."
S2 = "Chưa xây dựng kế hoạch đào tạo, bồi dưỡng công chức năm 2024."
S3 = "Tỷ lệ hồ sơ trực tuyến còn thấp, chưa đạt chỉ tiêu được giao."


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _issued(plan, unit, inspected_on, status=InspectionStatus.CONCLUDED):
    return InspectionFactory(
        plan=plan,
        unit=unit,
        inspected_on=inspected_on,
        status=status,
        notice_issued_at=at(inspected_on + datetime.timedelta(days=20)),
    )


def _table(unit, year, values, status=TableStatus.APPROVED):
    table = IndicatorTable.objects.create(
        unit=unit,
        year=year,
        status=status,
        approved_at=timezone.now() if status in (TableStatus.APPROVED, TableStatus.LOCKED) else None,
    )
    for (code, number), (value, denominator) in values.items():
        IndicatorValue.objects.create(
            table=table,
            indicator=Indicator.objects.get(template__code=code, number=number),
            number=value,
            denominator=denominator,
        )
    return table


@pytest.fixture
def dash(units, reform_areas):
    catalogue_load()
    tthc, cong_vu, the_che = reform_areas.tthc, reform_areas.cong_vu, reform_areas.the_che
    future = timezone.localdate() + datetime.timedelta(days=60)

    plan_2023 = InspectionPlanFactory(year=2023, number="100/KH-UBND", issuer=units.province)
    plan_2024 = InspectionPlanFactory(year=2024, number="2005/KH-UBND", issuer=units.province)
    plan_district = InspectionPlanFactory(year=2024, number="88/KH-UBND", issuer=units.district_a)

    # 2023: the shortcomings that recur in 2024.
    da_2023 = _issued(plan_2023, units.district_a, datetime.date(2023, 6, 1))
    FindingFactory(inspection=da_2023, reform_area=tthc, text="Niêm yết TTHC chưa đầy đủ.")
    FindingFactory(inspection=da_2023, reform_area=the_che, text="Chậm ban hành văn bản.")
    old_2023 = _issued(plan_2023, units.old_commune, datetime.date(2023, 6, 5))
    FindingFactory(inspection=old_2023, reform_area=tthc, text="Hồ sơ trực tuyến còn ít.")

    # 2024.
    da = _issued(plan_2024, units.district_a, datetime.date(2024, 6, 15))
    ca = _issued(plan_2024, units.commune_a, datetime.date(2024, 6, 20))
    old = _issued(plan_2024, units.old_commune, datetime.date(2024, 6, 25))
    department = InspectionFactory(
        plan=plan_2024, unit=units.department, inspected_on=datetime.date(2024, 7, 1), status="planned"
    )
    draft = InspectionFactory(
        plan=plan_district, unit=units.commune_a, inspected_on=datetime.date(2024, 8, 1)
    )

    FindingFactory(
        inspection=da, kind=FindingKind.ACHIEVEMENT, reform_area=tthc, text="Ban hành kế hoạch kịp thời."
    )
    FindingFactory(inspection=da, reform_area=tthc, text=S1)
    FindingFactory(inspection=da, reform_area=cong_vu, text=S2)
    FindingFactory(inspection=ca, reform_area=tthc, text=S1)
    FindingFactory(inspection=old, reform_area=tthc, text=S3)
    FindingFactory(inspection=draft, reform_area=tthc, text="Điểm của dự thảo, chưa ban hành.")

    def task(inspection, text, deadline, **kwargs):
        finding = FindingFactory(
            inspection=inspection,
            kind=FindingKind.RECOMMENDATION,
            reform_area=kwargs.pop("area", tthc),
            text=text,
        )
        return RemediationTaskFactory(
            inspection=inspection,
            finding=finding,
            reform_area=finding.reform_area,
            description=text,
            deadline=deadline,
            **kwargs,
        )

    t1 = task(
        da,
        "Niêm yết đầy đủ TTHC.",
        datetime.date(2024, 9, 30),
        status=TaskStatus.ACCEPTED,
        accepted_at=at(datetime.date(2024, 9, 25)),
    )
    t2 = task(
        da,
        "Xây dựng kế hoạch đào tạo.",
        datetime.date(2024, 8, 31),
        area=cong_vu,
        status=TaskStatus.ACCEPTED,
        accepted_at=at(datetime.date(2024, 9, 25)),
    )
    t3 = task(da, "Rà soát quy chế làm việc.", datetime.date(2024, 10, 31))
    t4 = task(ca, "Số hóa hồ sơ TTHC.", future)
    t5 = task(old, "Tăng tỷ lệ hồ sơ trực tuyến.", datetime.date(2024, 11, 30), status=TaskStatus.RETURNED)

    report = RemediationReport.objects.create(
        inspection=da,
        unit=units.district_a,
        status=RemediationReportStatus.REVIEWED,
        submitted_at=at(datetime.date(2024, 9, 15)),
        is_late=True,
    )
    for accepted in (t1, t2):
        RemediationReportItem.objects.create(report=report, task=accepted, decision=ReviewDecision.ACCEPTED)

    _table(
        units.commune_a,
        2024,
        {("PL03", "5.3"): (90, 100), ("PL07", "7"): (30, None), ("PL03", "1.3"): (100, None)},
    )
    _table(units.old_commune, 2024, {("PL03", "5.3"): (45, 50)})
    _table(units.district_a, 2024, {("PL03", "5.2"): (190, 200)})
    _table(units.province, 2024, {("PL03", "5.1"): (999, 1000), ("PL03", "5.3"): (135, 150)})
    _table(units.commune_b, 2024, {("PL03", "5.3"): (1, 100)}, status=TableStatus.DRAFT)
    _table(units.commune_a, 2023, {("PL03", "5.3"): (80, 100)}, status=TableStatus.LOCKED)

    rollup_refresh()
    return SimpleNamespace(
        units=units,
        areas=reform_areas,
        plans=SimpleNamespace(y2023=plan_2023, y2024=plan_2024, district=plan_district),
        inspections=SimpleNamespace(
            da=da, ca=ca, old=old, department=department, draft=draft, da_2023=da_2023
        ),
        tasks=SimpleNamespace(t1=t1, t2=t2, t3=t3, t4=t4, t5=t5),
    )


@pytest.fixture
def province_leader(make_member, units):
    from cchc.choices import Role

    return make_member(Role.LEADER, units.province, username="lanhdao.tinh")


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="quantri.he.thong", is_superuser=True, is_staff=True)

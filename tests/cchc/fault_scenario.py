"""The data of the fault tests, made in a process of its own against the
throw-away database (``DATABASE_URL``) and broker (``REDIS_URL``) the test
started: a province plan with ``count`` inspected districts, each with
findings. Then ``plan`` issues the plan's notices in one job (numbers
allocated by the job), ``notices`` issues each inspection's notice
(numbered here, one render job each). Prints the job ids as JSON.

    python -m tests.cchc.fault_scenario plan 3
"""

import datetime
import json
import os
import sys


def build(count: int):
    from cchc.choices import UnitKind
    from cchc.services import unit_create
    from inspections.choices import FindingKind, TeamRole
    from inspections.services import finding_create, team_create
    from tests.factories import InspectionFactory, InspectionPlanFactory, ReformAreaFactory

    province = unit_create(
        name="Ủy ban nhân dân tỉnh Quảng Nam",
        short_name="UBND tỉnh Quảng Nam",
        kind=UnitKind.PROVINCE,
        code="49",
        document_symbol="UBND",
        place_name="Quảng Nam",
    )
    plan = InspectionPlanFactory(issuer=province, year=2025)
    team_create(
        plan=plan,
        name="Đoàn kiểm tra công tác cải cách hành chính năm 2025",
        decision_number="1443/QĐ-UBND",
        decision_date=datetime.date(2025, 5, 1),
        decision_issuer=province,
        document_symbol="ĐKT",
        members=[{"full_name": "Lê Ngọc Quảng", "position": "Phó Chánh Văn phòng", "role": TeamRole.HEAD}],
    )
    area = ReformAreaFactory()
    for index in range(count):
        district = unit_create(
            name=f"Ủy ban nhân dân huyện Thử {index + 1}",
            short_name=f"UBND huyện Thử {index + 1}",
            kind=UnitKind.DISTRICT,
            parent=province,
        )
        inspection = InspectionFactory(
            plan=plan, team=plan.teams.get(), unit=district, inspected_on=datetime.date(2025, 5, 10)
        )
        for kind in FindingKind.values:
            for number in range(6):
                text = f"Nội dung {kind} số {number + 1}."
                finding_create(inspection=inspection, kind=kind, reform_area=area, text=text)
    return plan


def main(command: str, count: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    django.setup()
    from cchc.documents.services import document_issue
    from inspections.drafting import notice_draft, plan_notices_issue

    plan = build(count)
    if command == "plan":
        jobs = [plan_notices_issue(plan=plan, sign=True).pk]
    else:
        jobs = [
            document_issue(document=notice_draft(inspection=inspection, user=None), sign=True).pk
            for inspection in plan.inspections.order_by("pk")
        ]
    sys.stdout.write(json.dumps({"jobs": jobs}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

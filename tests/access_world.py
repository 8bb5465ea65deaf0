"""The world of the access matrix (``tests/test_access_matrix.py``): two
provinces that share nothing, a user of each role in each, and in province
A one object of every kind a URL can point at, the files included.

Every object lives in province A; province B holds only people, so that a
user of B with the right role is the "out of scope" visitor of each URL.
Markers (plan number, finding text, file bytes...) are unique strings the
matrix looks for in the answers, to prove the right object was shown."""

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cchc.access import clear_scope_cache
from cchc.choices import DocumentStatus, JobStatus, Role, UnitKind
from cchc.documents.services import RENDER_JOB, document_number
from cchc.models import Job, Notification
from cchc.services import membership_create, unit_create
from dashboards.handouts import HANDOUT_JOB, storage_name
from dashboards.rollup import rollup_refresh
from demo.indicator_tables import seed_workbook
from indicators.catalogue import catalogue_load
from indicators.choices import EXPORT_JOB, ImportStatus, TableStatus
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from indicators.services import indicator_import_create
from inspections.choices import FindingKind, RemediationReportStatus, ReportFileKind, TeamRole
from inspections.drafting import notice_draft
from inspections.models import RemediationReport
from inspections.remediation import report_file_add, report_open
from inspections.services import finding_create, team_create
from tests.conftest import UploadFiles
from tests.factories import (
    InspectionFactory,
    InspectionPlanFactory,
    ReformAreaFactory,
    RemediationTaskFactory,
    UserFactory,
)

ROLES = {
    "inspector": Role.INSPECTOR,
    "leader": Role.LEADER,
    "administrator": Role.ADMINISTRATOR,
    "officer": Role.UNIT_OFFICER,
}

# The bytes of every stored file start with a marker of their own, so a
# download proves which file was served.
ISSUED_PDF = UploadFiles().pdf_bytes() + b"%matrix-issued-notice\n"
EVIDENCE_PDF = UploadFiles().pdf_bytes() + b"%matrix-evidence\n"
EXPORT_XLSX = b"PK\x03\x04matrix-export-workbook"
HANDOUT_PDF = UploadFiles().pdf_bytes() + b"%matrix-handout\n"


def _province(name, code):
    province = unit_create(
        name=f"Ủy ban nhân dân tỉnh {name}",
        short_name=f"UBND tỉnh {name}",
        kind=UnitKind.PROVINCE,
        code=code,
        document_symbol="UBND",
        place_name=name,
    )
    return province


def _people(province, district, suffix):
    """One user per role: provincial staff in the province, the unit
    officer in the district."""
    users = {}
    for key, role in ROLES.items():
        user = UserFactory(username=f"{key}.{suffix}")
        membership_create(user=user, unit=district if role == Role.UNIT_OFFICER else province, role=role)
        clear_scope_cache(user)
        users[f"{key}_{suffix}"] = user
    return users


def build_world() -> SimpleNamespace:
    catalogue_load()
    today = timezone.localdate()
    area = ReformAreaFactory(code="tthc", name="Cải cách thủ tục hành chính", position=3)

    province_a = _province("Quảng Nam", "49")
    district_a = unit_create(
        name="Ủy ban nhân dân huyện Duy Xuyên",
        short_name="UBND huyện Duy Xuyên",
        kind=UnitKind.DISTRICT,
        parent=province_a,
        code="508",
    )
    province_b = _province("Quảng Ngãi", "51")
    district_b = unit_create(
        name="Ủy ban nhân dân huyện Sơn Tịnh",
        short_name="UBND huyện Sơn Tịnh",
        kind=UnitKind.DISTRICT,
        parent=province_b,
        code="524",
    )
    users = {**_people(province_a, district_a, "a"), **_people(province_b, district_b, "b")}
    inspector = users["inspector_a"]
    officer = users["officer_a"]

    # A plan with a team; a draft inspection with a point of each part.
    plan = InspectionPlanFactory(
        year=2025,
        number="731/KH-UBND",
        issued_on=datetime.date(2025, 2, 10),
        issuer=province_a,
        title="Kế hoạch kiểm tra công tác cải cách hành chính năm 2025 (ma trận)",
    )
    team = team_create(
        plan=plan,
        name="Đoàn kiểm tra ma trận quyền truy cập",
        decision_number="1443/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
        decision_issuer=province_a,
        document_symbol="ĐKT",
        members=[{"full_name": "Lê Ngọc Quảng", "position": "Phó Chánh Văn phòng", "role": TeamRole.HEAD}],
    )
    draft = InspectionFactory(plan=plan, team=team, unit=district_a, inspected_on=datetime.date(2025, 5, 10))
    findings = SimpleNamespace(
        **{
            kind: finding_create(
                inspection=draft, kind=kind, reform_area=area, text=text, created_by=inspector
            )
            for kind, text in {
                FindingKind.ACHIEVEMENT: "Ma trận: ban hành kế hoạch CCHC đúng hạn.",
                FindingKind.SHORTCOMING: "Ma trận: tỷ lệ hồ sơ trễ hạn còn cao.",
                FindingKind.RECOMMENDATION: "Ma trận: khắc phục tình trạng hồ sơ trễ hạn.",
            }.items()
        }
    )
    draft_notice = notice_draft(inspection=draft, user=inspector)
    draft_notice.summary = "Dự thảo thông báo kết luận của ma trận"
    draft_notice.save()

    # An issued inspection of an earlier plan: its notice issued with a
    # stored PDF (put in place, not rendered) and published to the district,
    # two tasks (one overdue), and the district's draft report with evidence.
    plan_2024 = InspectionPlanFactory(
        year=2024, number="2005/KH-UBND", issued_on=datetime.date(2024, 4, 16), issuer=province_a
    )
    issued = InspectionFactory(
        plan=plan_2024, unit=district_a, inspected_on=datetime.date(2024, 6, 15), issued=True
    )
    finding_create(
        inspection=issued,
        kind=FindingKind.SHORTCOMING,
        reform_area=area,
        text="Ma trận: chưa niêm yết đủ thủ tục hành chính.",
        created_by=inspector,
    )
    notice = notice_draft(inspection=issued, user=inspector)
    notice.summary = "Thông báo kết luận đã ban hành của ma trận"
    notice.signer_position = "Phó Chủ tịch"
    notice.signer_name = "Trần Văn Ký"
    notice.save()
    document_number(document=notice, user=inspector, issued_on=datetime.date(2024, 7, 5))
    notice.issued_file.save("thong-bao-ma-tran.pdf", ContentFile(ISSUED_PDF), save=False)
    notice.status = DocumentStatus.PUBLISHED
    notice.save()
    notice.recipient_units.add(district_a)

    task = RemediationTaskFactory(
        inspection=issued,
        description="Ma trận: niêm yết đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
        deadline=today + datetime.timedelta(days=20),
    )
    overdue_task = RemediationTaskFactory(
        inspection=issued,
        description="Ma trận: ban hành quy chế làm việc, đã quá hạn.",
        deadline=today - datetime.timedelta(days=5),
    )
    report = report_open(inspection=issued, user=officer)
    item = report.items.get(task=task)
    evidence = report_file_add(
        report=report,
        upload=UploadFiles()._file("minh-chung-ma-tran.pdf", EVIDENCE_PDF),
        kind=ReportFileKind.EVIDENCE,
        item=item,
        user=officer,
    )

    # A report sent for review, on a second issued inspection.
    plan_2023 = InspectionPlanFactory(
        year=2023, number="118/KH-UBND", issued_on=datetime.date(2023, 4, 3), issuer=province_a
    )
    reviewed = InspectionFactory(
        plan=plan_2023, unit=district_a, inspected_on=datetime.date(2023, 6, 20), issued=True
    )
    RemediationTaskFactory(inspection=reviewed, description="Ma trận: số hóa hồ sơ.", deadline=today)
    submitted = report_open(inspection=reviewed, user=officer)
    RemediationReport.objects.filter(pk=submitted.pk).update(
        status=RemediationReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=officer,
        document_number="99/BC-MATRAN",
    )
    submitted.refresh_from_db()

    # A công văn whose point assigns a task (a draft), and one issued with
    # the district's assigned task.
    from inspections.assignments import assignment_save
    from inspections.choices import DeadlineKind
    from inspections.drafting import follow_up_draft

    def letter_with_points(source_plan, text):
        letter = follow_up_draft(plan=source_plan, user=inspector)
        letter.content["sections"][-1]["points"] = [text]
        letter.signer_position = "Phó Chủ tịch"
        letter.signer_name = "Trần Văn Ký"
        letter.save()
        assignment_save(
            document=letter,
            section=len(letter.content["sections"]) - 1,
            point=1,
            units=[district_a],
            groups=[],
            deadline_kind=DeadlineKind.DAYS,
            days=30,
        )
        return letter

    draft_letter = letter_with_points(plan, "Ma trận: điểm giao nhiệm vụ của dự thảo công văn.")
    letter = letter_with_points(plan_2023, "Ma trận: nhiệm vụ được giao theo công văn.")
    document_number(document=letter, user=inspector, issued_on=today - datetime.timedelta(days=2))
    assigned_task = letter.assigned_tasks.get()

    # An indicator table with a value, and an import waiting to be applied.
    indicator = Indicator.objects.get(template__code="PL03", number="5.3")
    table = IndicatorTable.objects.create(unit=district_a, year=2024, created_by=officer)
    value = IndicatorValue.objects.create(table=table, indicator=indicator, number=90, denominator=100)
    # An approved table of an earlier year feeds the dashboards (drafts do
    # not), its figure in the district's own row (5.2).
    approved_table = IndicatorTable.objects.create(
        unit=district_a,
        year=2022,
        status=TableStatus.APPROVED,
        approved_at=timezone.now(),
        created_by=officer,
    )
    IndicatorValue.objects.create(
        table=approved_table,
        indicator=Indicator.objects.get(template__code="PL03", number="5.2"),
        number=731,
        denominator=1443,
    )
    # A real workbook, checked on upload as the import page does, so that
    # applying it is the service's real work (the stored file's hash holds).
    imported = indicator_import_create(
        unit=district_a, data=seed_workbook(), name="bieu-chi-tieu-ma-tran.xlsx", user=officer
    )
    assert imported.status == ImportStatus.READY, imported.preview

    # Jobs: a failed render (the job card), a finished indicator export and
    # a finished dashboard handout, each with its file in storage.
    render_job = Job.objects.create(
        kind=RENDER_JOB,
        unit=province_a,
        params={"document_id": notice.pk},
        status=JobStatus.FAILED,
        error="Ma trận: chưa tạo được bản phát hành.",
        created_by=inspector,
        attempts=1,
    )
    export_name = default_storage.save("indicator-exports/ma-tran.xlsx", ContentFile(EXPORT_XLSX))
    export_job = Job.objects.create(
        kind=EXPORT_JOB,
        unit=district_a,
        params={"file": export_name},
        result={"file": export_name, "name": "chi-tieu-ma-tran.xlsx"},
        status=JobStatus.SUCCEEDED,
        created_by=officer,
    )
    handout_job = Job.objects.create(
        kind=HANDOUT_JOB,
        unit=province_a,
        params={"unit": province_a.pk, "year": 2024},
        status=JobStatus.SUCCEEDED,
        created_by=users["leader_a"],
    )
    default_storage.save(storage_name(handout_job), ContentFile(HANDOUT_PDF))

    # The dashboards' roll-up of units is refreshed when a transaction
    # commits; the world's never does.
    rollup_refresh()

    notification = Notification.objects.create(
        user=officer, message="Ma trận: có thông báo kết luận mới.", link="/"
    )

    split = _split_world(province_a, plan_2024, users)
    audit_event = _audit_world(district_a, officer, evidence)
    par = _par_world(province_a, district_a, province_b, users)

    return SimpleNamespace(
        audit_event=audit_event,
        split=split,
        par=par,
        users=users,
        units=SimpleNamespace(
            province_a=province_a, district_a=district_a, province_b=province_b, district_b=district_b
        ),
        area=area,
        plan=plan,
        team=team,
        draft=draft,
        findings=findings,
        draft_notice=draft_notice,
        issued=issued,
        notice=notice,
        task=task,
        overdue_task=overdue_task,
        report=report,
        item=item,
        evidence=evidence,
        submitted=submitted,
        submitted_item=submitted.items.get(),
        draft_letter=draft_letter,
        letter=letter,
        assigned_task=assigned_task,
        indicator=indicator,
        table=table,
        approved_table=approved_table,
        value=value,
        imported=imported,
        render_job=render_job,
        export_job=export_job,
        handout_job=handout_job,
        notification=notification,
        par_set=_par_set_world(province_a, district_a, users),
        own=_own_world(district_a, plan_2024, users),
    )


def _par_set_world(province, district, users) -> SimpleNamespace:
    """The PAR index in province A: an issued 2024 set for districts (two
    criteria, one survey criterion), a draft copy, and a cycle over the
    districts (district A)."""
    from decimal import Decimal

    from par.services import (
        BandSpec,
        NodeSpec,
        criteria_set_copy,
        criteria_set_create,
        criteria_set_issue,
        criteria_set_replace_tree,
        cycle_create,
    )

    inspector = users["inspector_a"]
    criteria_set = criteria_set_create(
        province=province,
        year=2024,
        unit_group="districts",
        name="Bộ tiêu chí ma trận năm 2024",
        user=inspector,
        total_points=Decimal("3"),
    )
    levels = {"levels": [{"label": "Kịp thời", "points": "1"}, {"label": "Không", "points": "0"}]}
    criteria_set_replace_tree(
        criteria_set=criteria_set,
        nodes=[
            NodeSpec("1", "Chỉ đạo, điều hành (ma trận)", 1, Decimal("2")),
            NodeSpec(
                "1.1", "Ban hành kế hoạch CCHC năm (ma trận)", 2, Decimal("1"), method="levels", params=levels
            ),
            NodeSpec("1.2", "Báo cáo CCHC đúng hạn (ma trận)", 2, Decimal("1"), method="yes_no"),
            NodeSpec("2", "Điều tra xã hội học (ma trận)", 1, Decimal("1")),
            NodeSpec("2.1", "Sự hài lòng (ma trận)", 2, Decimal("1"), assessment="survey", method="points"),
        ],
        bands=[
            BandSpec("Tốt", Decimal("90"), True, None, False),
            BandSpec("Chưa tốt", Decimal("0"), True, Decimal("90"), False),
        ],
    )
    criteria_set = criteria_set_issue(
        criteria_set=criteria_set,
        decision_number="99/QĐ-UBND",
        decision_date=datetime.date(2024, 6, 1),
        user=inspector,
    )
    draft = criteria_set_copy(
        source=criteria_set, year=2024, user=inspector, name="Dự thảo bộ tiêu chí ma trận"
    )
    cycle = cycle_create(
        province=province,
        criteria_set=criteria_set,
        name="Đợt đánh giá Chỉ số CCHC ma trận 2024",
        self_assessment_due=datetime.date(2024, 12, 15),
        round1_due=datetime.date(2025, 1, 10),
        explanation_due=datetime.date(2025, 1, 20),
        round2_due=datetime.date(2025, 1, 31),
        publication_due=datetime.date(2025, 3, 31),
        user=inspector,
        today=datetime.date(2025, 1, 5),
    )
    return SimpleNamespace(
        criteria_set=criteria_set,
        draft=draft,
        cycle=cycle,
        member=cycle.units.get(unit=district),
        scorecard=cycle.scorecards.get(unit=district),
    )


def _split_world(province, plan, users) -> SimpleNamespace:
    """A district of province A split on 30/6/2025 between two new communes
    (Nam Giang: Thạnh Mỹ and La Dêê), each old commune passed to one of them.
    Each old commune has an issued inspection with a draft report (written
    by its successor), the district one too (written before it ended): the
    successors read the district's history; each writes only what passed to
    it, and never sees the other's old commune."""
    from cchc.choices import SuccessionKind
    from cchc.services import unit_end

    last_day = datetime.date(2025, 6, 30)
    new = datetime.date(2025, 7, 1)
    district = unit_create(
        name="Ủy ban nhân dân huyện Nam Giang",
        short_name="UBND huyện Nam Giang",
        kind=UnitKind.DISTRICT,
        parent=province,
        code="506",
    )
    old = {
        key: unit_create(
            name=f"Ủy ban nhân dân xã {name}",
            short_name=f"UBND xã {name}",
            kind=UnitKind.COMMUNE,
            parent=district,
            code=code,
        )
        for key, name, code in (("one", "Cà Dy", "20461"), ("two", "Zuôih", "20473"))
    }
    successors = {
        key: unit_create(
            name=f"Ủy ban nhân dân xã {name}",
            short_name=f"UBND xã {name}",
            kind=UnitKind.COMMUNE,
            parent=province,
            valid_from=new,
        )
        for key, name in (("one", "Thạnh Mỹ"), ("two", "La Dêê"))
    }
    officers = {}
    for key, unit in successors.items():
        officer = UserFactory(username=f"officer.split.{key}")
        membership_create(user=officer, unit=unit, role=Role.UNIT_OFFICER)
        officers[f"officer_split_{key}"] = officer
    district_officer = UserFactory(username="officer.split.district")
    membership_create(user=district_officer, unit=district, role=Role.UNIT_OFFICER)

    def inspected(unit, text, user):
        inspection = InspectionFactory(
            plan=plan, unit=unit, inspected_on=datetime.date(2024, 9, 5), issued=True
        )
        RemediationTaskFactory(
            inspection=inspection, description=text, deadline=new + datetime.timedelta(days=300)
        )
        clear_scope_cache(user)
        report = report_open(inspection=inspection, user=user)
        report.summary = f"Báo cáo của ma trận chia tách: {text}"
        report.save()
        return report

    district_report = inspected(district, "Ma trận chia tách: nhiệm vụ của huyện.", district_officer)
    for key in old:
        unit_end(unit=old[key], last_day=last_day, successors=[successors[key]], kind=SuccessionKind.MERGE)
    unit_end(
        unit=district, last_day=last_day, successors=list(successors.values()), kind=SuccessionKind.SPLIT
    )
    reports = {
        key: inspected(
            old[key], f"Ma trận chia tách: nhiệm vụ của xã cũ {key}.", officers[f"officer_split_{key}"]
        )
        for key in old
    }
    users.update(officers)
    for user in users.values():
        clear_scope_cache(user)
    return SimpleNamespace(
        district=district,
        old=SimpleNamespace(**old),
        successors=SimpleNamespace(**successors),
        district_report=district_report,
        report_one=reports["one"],
        report_two=reports["two"],
    )


def _audit_world(unit, user, evidence):
    """An entry of the audit trail in district A: a download of evidence."""
    from cchc.audit import audit_record
    from cchc.choices import AuditKind

    return audit_record(
        kind=AuditKind.DOWNLOAD, user=user, unit=unit, obj=evidence, detail="ma-tran-nhat-ky-tai-tep.pdf"
    )


PAR_EVIDENCE_PDF = UploadFiles().pdf_bytes() + b"%matrix-par-evidence\n"


def _par_world(province_a, district_a, province_b, users) -> SimpleNamespace:
    """The PAR index's objects, all in province A: an issued set appraised
    by a department of A, a cycle over district A and a commune under it;
    the district's scorecard is a draft (its item 2.1 scored, with a file),
    the commune's is submitted (appraisers see it); a computed result.
    Adds the district's head, and an appraiser in A and one in B."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from par import assessment
    from par.choices import ScorecardStatus, UnitGroup
    from par.models import ItemScore, Result, Scorecard
    from tests.par.builders import build_cycle, build_set, member

    department_a = unit_create(
        name="Sở Tư pháp tỉnh Quảng Nam", short_name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=province_a
    )
    department_b = unit_create(
        name="Sở Tư pháp tỉnh Quảng Ngãi",
        short_name="Sở Tư pháp",
        kind=UnitKind.DEPARTMENT,
        parent=province_b,
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Duy Ma Trận",
        short_name="UBND xã Duy Ma Trận",
        kind=UnitKind.COMMUNE,
        parent=district_a,
    )
    criteria_set = build_set(
        province_a,
        department_a,
        year=2024,
        group=UnitGroup.DISTRICTS,
        name="Bộ tiêu chí ma trận cấp huyện 2024",
    )
    cycle, (scorecard, submitted) = build_cycle(province_a, criteria_set, [district_a, commune_a])
    users["par_head_a"] = member("par.head.a", district_a, Role.LEADER)
    users["appraiser_a"] = member("appraiser.a", department_a, Role.APPRAISER)
    users["appraiser_b"] = member("appraiser.b", department_b, Role.APPRAISER)
    officer = users["officer_a"]
    item = scorecard.items.get(node__code="2.1")
    assessment.item_self_set(item=item, user=officer, entered={"points": "1"})
    evidence = assessment.evidence_add(
        item=item,
        user=officer,
        upload=SimpleUploadedFile("kiem-chung-ma-tran.pdf", PAR_EVIDENCE_PDF, content_type="application/pdf"),
        cited_part="Mục ma trận, trang 3",
    )
    proposal_item = scorecard.items.get(node__code="1.3")
    ItemScore.objects.filter(pk=proposal_item.pk).update(
        proposed_score=Decimal("2"),
        proposed_input={"percent": "100"},
        proposal_detail="Ma trận: 4/4 cuộc kiểm tra",
    )
    Scorecard.objects.filter(pk=submitted.pk).update(
        status=ScorecardStatus.SUBMITTED, submitted_at=timezone.now()
    )
    submitted_item = submitted.items.get(node__code="2.1")
    ItemScore.objects.filter(pk=submitted_item.pk).update(self_score=Decimal("2"), self_input={"points": "2"})
    result = Result.objects.create(
        cycle=cycle,
        unit=district_a,
        self_total=Decimal("8"),
        appraised_total=Decimal("7.5"),
        survey_total=Decimal("1"),
        bonus=Decimal("0"),
        penalty=Decimal("0"),
        applicable_max=Decimal("10"),
        index=Decimal("85.123456"),
        rank=1,
        computed_at=timezone.now(),
    )
    return SimpleNamespace(
        set=criteria_set,
        cycle=cycle,
        scorecard=scorecard,
        submitted=submitted,
        item=item,
        proposal_item=proposal_item,
        submitted_item=submitted_item,
        evidence=evidence,
        result=result,
        commune=commune_a,
    )


def _own_world(district, plan, users) -> SimpleNamespace:
    """A commune of district A with its own officer and a draft remediation
    report: the commune writes it; the district's officer reads it (the
    units below) and writes none of it ("a unit writes only its own
    reports")."""
    commune = unit_create(
        name="Ủy ban nhân dân xã Duy Tự Viết",
        short_name="UBND xã Duy Tự Viết",
        kind=UnitKind.COMMUNE,
        parent=district,
    )
    officer = UserFactory(username="officer.commune.a")
    membership_create(user=officer, unit=commune, role=Role.UNIT_OFFICER)
    users["officer_commune_a"] = officer
    inspection = InspectionFactory(
        plan=plan, unit=commune, inspected_on=datetime.date(2024, 9, 6), issued=True
    )
    task = RemediationTaskFactory(
        inspection=inspection,
        description="Ma trận đơn vị tự viết: nhiệm vụ của xã.",
        deadline=timezone.localdate() + datetime.timedelta(days=200),
    )
    clear_scope_cache(officer)
    report = report_open(inspection=inspection, user=officer)
    report.summary = "Báo cáo của xã Duy Tự Viết (ma trận)."
    report.save()
    clear_scope_cache(users["officer_a"])
    return SimpleNamespace(commune=commune, inspection=inspection, task=task, report=report)

"""Tasks assigned by a document's points (issue 13): seeds 004 and 002
reproduced from the demo province, the bad-input refusals, periodic tasks,
reporting through the remediation reports, the monitoring matrix, its Excel
export and the consolidated report."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.access import clear_scope_cache
from cchc.choices import DocumentStatus, Role, UnitKind
from cchc.documents import services
from cchc.models import Membership, Unit
from demo import assigned_tasks as demo
from inspections import assignments, monitoring, remediation
from inspections.choices import CellState, DeadlineKind, ReviewDecision, TaskStatus, UnitGroup
from inspections.models import RemediationReport, RemediationTask, TaskAssignment, WorkCalendarDay
from inspections.workdays import add_working_days, is_working_day
from tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def demo_province(db):
    call_command("load_catalogues", verbosity=0)
    call_command("load_demo", verbosity=0)


def member(role, unit, username):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, unit=unit, role=role, valid_from=D(2019, 1, 1))
    clear_scope_cache(user)
    return user


def issue(document, day=demo.ISSUED_ON):
    services.document_number(document=document, issued_on=day)
    document.refresh_from_db()
    return document


def tasks_by_point(document) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for task in RemediationTask.objects.filter(source_document=document).select_related("responsible_unit"):
        found.setdefault(task.point, set()).add(task.responsible_unit.name)
    return found


def test_working_days_skip_weekends_tet_and_the_administrators_days(db):
    # Tết 2023: 20/1 (Friday) to 26/1 off; 27/1 is a Friday at work.
    assert not is_working_day(D(2023, 1, 23)) and not is_working_day(D(2023, 1, 21))
    assert add_working_days(D(2023, 1, 19), 1) == D(2023, 1, 27)
    assert add_working_days(D(2023, 1, 19), 2) == D(2023, 1, 30)
    # The administrator adds a bridge day off, and a Saturday worked in exchange.
    WorkCalendarDay.objects.create(day=D(2023, 1, 27), is_working=False, note="nghỉ bù")
    WorkCalendarDay.objects.create(day=D(2023, 1, 28), is_working=True, note="làm bù")
    assert add_working_days(D(2023, 1, 19), 1) == D(2023, 1, 28)


def test_seed_004_the_cong_van_creates_its_tasks_on_issue(demo_province):
    letter = demo.seed_004_letter()
    text_before = letter.content
    assert not RemediationTask.objects.filter(source_document=letter).exists()
    issue(letter)
    assert letter.status == DocumentStatus.ISSUED and letter.content == text_before
    province = letter.issuing_unit
    recipients = {u.name for u in letter.recipient_units.all()}
    departments = set(
        Unit.objects.active_on(demo.ISSUED_ON)
        .filter(parent=province, kind=UnitKind.DEPARTMENT)
        .values_list("name", flat=True)
    )
    districts = set(
        Unit.objects.active_on(demo.ISSUED_ON)
        .filter(parent=province, kind=UnitKind.DISTRICT)
        .values_list("name", flat=True)
    )
    communes = set(
        Unit.objects.active_on(demo.ISSUED_ON)
        .filter(path__startswith=province.path, kind=UnitKind.COMMUNE)
        .values_list("name", flat=True)
    )
    assert "Sở Tài chính tỉnh Quảng Nam" in departments and districts and communes
    assert recipients == departments | districts | {
        "Ban Quản lý các Khu kinh tế và Khu công nghiệp tỉnh Quảng Nam"
    }
    found = tasks_by_point(letter)
    # Points 1–9 bind every recipient; 10 the district and commune committees;
    # 11 assigns nothing; 12 one department; 13 Sở Nội vụ's monitoring duty.
    for point in range(1, 10):
        assert found[point] == recipients
    assert found[10] == districts | communes
    assert 11 not in found
    assert found[12] == {"Sở Tài chính tỉnh Quảng Nam"}
    assert found[13] == {"Sở Nội vụ tỉnh Quảng Nam"}
    # The groups were resolved on the issue date and stored.
    point_10 = TaskAssignment.objects.get(document=letter, point=10)
    assert point_10.resolved_on == demo.ISSUED_ON
    assert {u.name for u in point_10.resolved_units.all()} == districts | communes
    # "Within 20 working days" of Monday 2/12/2019: Monday 30/12/2019.
    task = RemediationTask.objects.filter(source_document=letter, point=1).first()
    assert task.deadline == D(2019, 12, 30)
    assert task.monitoring_unit.name == "Sở Nội vụ tỉnh Quảng Nam"
    # Issuing again creates nothing more.
    count = RemediationTask.objects.count()
    issue(letter)
    assert RemediationTask.objects.count() == count


def test_bad_input_is_refused_naming_the_point_and_nothing_is_issued(demo_province):
    letter = demo.seed_004_letter()
    section = len(letter.content["sections"]) - 1
    point_1 = TaskAssignment.objects.get(document=letter, point=1)
    with pytest.raises(ValidationError) as error:
        assignments.assignment_save(
            document=letter,
            section=section,
            point=2,
            units=[],
            groups=[],
            deadline_kind=DeadlineKind.DATE,
            deadline_date=D(2020, 1, 1),
        )
    assert "Điểm 2: chưa chọn đơn vị thực hiện." in error.value.messages
    with pytest.raises(ValidationError) as error:
        assignments.assignment_save(
            document=letter,
            section=section,
            point=3,
            units=[],
            groups=[UnitGroup.DISTRICTS],
            deadline_kind=DeadlineKind.PERIODIC,
            recurrence="quarterly",
        )
    assert "Điểm 3: nhiệm vụ định kỳ phải có hạn báo cáo kỳ đầu." in error.value.messages
    outside = Unit.objects.exclude(path__startswith=letter.issuing_unit.path).first()
    with pytest.raises(ValidationError) as error:
        assignments.assignment_save(
            document=letter,
            section=section,
            point=4,
            units=[],
            groups=[UnitGroup.DISTRICTS],
            deadline_kind=DeadlineKind.DAYS,
            days=10,
            monitoring_unit=outside,
        )
    assert any(m.startswith("Điểm 4: đơn vị theo dõi") for m in error.value.messages)
    # What only the issue date decides: a deadline before it, a group empty on it.
    point_1.deadline_kind = DeadlineKind.DATE
    point_1.deadline_date = D(2019, 11, 30)
    point_1.save()
    point_5 = TaskAssignment.objects.get(document=letter, point=5)
    point_5.groups = [UnitGroup.INSPECTED, UnitGroup.COMMUNES]
    point_5.save()
    TaskAssignment.objects.filter(pk=point_5.pk).update(groups=[UnitGroup.COMMUNES])
    with pytest.raises(ValidationError) as error:
        # Communes of Quảng Nam did not exist in 1990.
        services.document_number(document=letter, issued_on=D(2019, 12, 2))
    assert "Điểm 1: hạn 30/11/2019 trước ngày ban hành 02/12/2019." in error.value.messages
    letter.refresh_from_db()
    assert letter.status == DocumentStatus.DRAFT and letter.number is None
    assert not RemediationTask.objects.filter(source_document=letter).exists()


def test_a_group_empty_on_the_issue_date_is_refused(demo_province):
    notice = demo.seed_002_notice()
    # Nobody is a recipient of this notice's "Kính gửi": the group is empty.
    notice.recipient_units.clear()
    TaskAssignment.objects.filter(document=notice, point=9).update(groups=[UnitGroup.RECIPIENTS])
    with pytest.raises(ValidationError) as error:
        services.document_number(document=notice, issued_on=demo.ISSUED_ON)
    assert any(
        m.startswith("Điểm 9: nhóm “Các đơn vị trong “Kính gửi”” không có đơn vị nào")
        for m in error.value.messages
    )
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.DRAFT


def _report(document, user, *, fill_report, on, decision=None, reviewer=None, reason=""):
    report = remediation.report_open(document=document, user=user)
    fill_report(report, user)
    report = remediation.report_submit(report=report, user=user, today=on)
    RemediationReport.objects.filter(pk=report.pk).update(
        submitted_at=datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC)
    )
    if decision:
        for item in report.items.all():
            remediation.report_review_item(item=item, decision=decision, reason=reason, user=reviewer)
    return report


def test_seed_004_two_units_report_one_is_returned_one_is_late_and_the_matrix_shows_it(
    demo_province, fill_report, client
):
    letter = issue(demo.seed_004_letter())
    province = letter.issuing_unit
    justice = Unit.objects.get(parent=province, short_name="Sở Tư pháp")
    ict = Unit.objects.get(parent=province, short_name="Sở Thông tin và Truyền thông")
    home_affairs = Unit.objects.get(parent=province, short_name="Sở Nội vụ")
    officer_justice = member(Role.UNIT_OFFICER, justice, "canbo.stp")
    officer_ict = member(Role.UNIT_OFFICER, ict, "canbo.stttt")
    monitor = member(Role.INSPECTOR, home_affairs, "chuyenvien.snv")
    # Sở Tư pháp reports on time and is accepted by the monitoring unit;
    # Sở TT&TT reports after the deadline and is returned.
    _report(
        letter,
        officer_justice,
        fill_report=fill_report,
        on=D(2019, 12, 20),
        decision=ReviewDecision.ACCEPTED,
        reviewer=monitor,
    )
    _report(
        letter,
        officer_ict,
        fill_report=fill_report,
        on=D(2020, 1, 6),
        decision=ReviewDecision.RETURNED,
        reviewer=monitor,
        reason="Thiếu tài liệu kiểm chứng.",
    )
    matrix = monitoring.document_matrix(letter, today=D(2020, 1, 10))
    states = {row.unit.short_name: {c.state for c in row.cells if c.task} for row in matrix.rows}
    assert states["Sở Tư pháp"] == {CellState.ACCEPTED}
    assert states["Sở Thông tin và Truyền thông"] == {CellState.RETURNED}
    assert states["Sở Tài chính"] == {CellState.OVERDUE}  # 1–9 by 30/12, 12 by 31/12
    # Before the deadline, an unreported unit is not late yet; a late report shows.
    _report(
        letter,
        member(
            Role.UNIT_OFFICER,
            Unit.objects.get(parent=province, short_name="Sở Khoa học và Công nghệ"),
            "canbo.skhcn",
        ),
        fill_report=fill_report,
        on=D(2020, 1, 2),
    )
    matrix = monitoring.document_matrix(letter, today=D(2020, 1, 10))
    late = {row.unit.short_name: {c.state for c in row.cells if c.task} for row in matrix.rows}
    assert late["Sở Khoa học và Công nghệ"] == {CellState.REPORTED_LATE}
    assert monitoring.document_matrix(letter, today=D(2019, 12, 10)).rows[0].cells[0].state in (
        CellState.NOT_DUE,
        CellState.ACCEPTED,
        CellState.RETURNED,
        CellState.REPORTED_LATE,
    )
    # The page, its filter and the Excel export, for the monitoring unit.
    client.force_login(monitor)
    page = client.get(reverse("inspections:document_matrix", args=[letter.pk]), {"state": CellState.RETURNED})
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-unit="{ict.pk}"' in body and f'data-unit="{justice.pk}"' not in body
    export = client.get(reverse("inspections:document_matrix_xlsx", args=[letter.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows[str(justice)][0].startswith("Đã chấp nhận")
    assert rows[str(ict)][0].startswith("Bị trả lại")
    # The consolidated report: point by point, who has done what, who is late.
    draft = monitoring.consolidated_draft(document=letter, user=monitor, today=D(2020, 1, 10))
    assert draft.issuing_unit == home_affairs and draft.status == DocumentStatus.DRAFT
    first = draft.content["sections"][0]["points"][0]
    assert first.startswith("Điểm 1 (")
    assert "Đã hoàn thành, được chấp nhận (1): Sở Tư pháp." in first
    assert "Báo cáo bị trả lại, phải bổ sung (1): Sở Thông tin và Truyền thông." in first
    assert "Đã báo cáo nhưng chậm so với thời hạn (1): Sở Khoa học và Công nghệ." in first
    assert "Chưa báo cáo, đã quá hạn" in first and "Sở Tài chính" in first
    # Issued like any document, once the drafter names the signer.
    services.document_update(document=draft, signer_position="PHÓ GIÁM ĐỐC", signer_name="Nguyễn Văn B")
    assert issue(draft, D(2020, 1, 10)).number_symbol.endswith("/SNV")


def test_seed_002_one_report_per_quarter_for_the_periodic_point(demo_province, fill_report):
    notice = issue(demo.seed_002_notice())
    assert notice.number_symbol.endswith("/TB-VP")
    province = Unit.objects.get(pk=notice.issuing_unit.parent_id)
    found = tasks_by_point(notice)
    departments = set(
        Unit.objects.active_on(demo.ISSUED_ON)
        .filter(parent=province, kind=UnitKind.DEPARTMENT)
        .values_list("name", flat=True)
    )
    assert found[5] == found[8] == departments
    assert found[9] == {"Văn phòng Ủy ban nhân dân tỉnh Quảng Nam"}
    assert 1 not in found and 4 not in found
    justice = Unit.objects.get(parent=province, short_name="Sở Tư pháp")
    officer = member(Role.UNIT_OFFICER, justice, "canbo.stp")
    office = Unit.objects.get(pk=notice.issuing_unit_id)
    reviewer = member(Role.INSPECTOR, office, "chuyenvien.vp")
    monitor = member(
        Role.INSPECTOR, Unit.objects.get(parent=province, short_name="Sở Nội vụ"), "chuyenvien.snv"
    )
    periodic = RemediationTask.objects.get(source_document=notice, point=7, responsible_unit=justice)
    assert periodic.period == 1 and periodic.deadline == D(2019, 12, 31)
    # Quarter 1: everything reported; the office reviews the periodic point,
    # Sở Nội vụ the others.
    first = _report(notice, officer, fill_report=fill_report, on=D(2019, 12, 27))
    for item in first.items.select_related("task"):
        reviewer_user = reviewer if item.task.point == 7 else monitor
        remediation.report_review_item(item=item, decision=ReviewDecision.ACCEPTED, user=reviewer_user)
    # The quarter passes: the next period opens, once however often the job runs.
    assert assignments.periodic_tasks_advance(today=D(2020, 1, 1)) > 0
    assert assignments.periodic_tasks_advance(today=D(2020, 1, 1)) == 0
    second = _report(
        notice,
        officer,
        fill_report=fill_report,
        on=D(2020, 3, 30),
        decision=ReviewDecision.ACCEPTED,
        reviewer=reviewer,
    )
    assignments.periodic_tasks_advance(today=D(2020, 4, 1))
    third = _report(notice, officer, fill_report=fill_report, on=D(2020, 6, 29))
    periods = list(
        RemediationTask.objects.filter(source_document=notice, point=7, responsible_unit=justice).order_by(
            "period"
        )
    )
    assert [(t.period, t.deadline) for t in periods] == [
        (1, D(2019, 12, 31)),
        (2, D(2020, 3, 31)),
        (3, D(2020, 6, 30)),
    ]
    assert [t.status for t in periods] == [TaskStatus.ACCEPTED, TaskStatus.ACCEPTED, TaskStatus.REPORTED]
    # One report per quarter for the periodic point.
    assert [[i.task.period for i in r.items.filter(task__point=7)] for r in (first, second, third)] == [
        [1],
        [2],
        [3],
    ]
    assert [r.revision for r in (first, second, third)] == [1, 2, 3]


# The unit's home, the reminders and the escalation, on the small test province.


@pytest.fixture
def letter(scenario, units, inspector):
    from inspections.drafting import follow_up_draft

    document = follow_up_draft(plan=scenario.plan_2024, user=inspector)
    document.content["sections"][-1]["points"] = ["Rà soát thủ tục hành chính.", "Báo cáo Sở Nội vụ."]
    document.save()
    return document


@pytest.mark.parametrize("count", [20, 200])
def test_the_unit_home_lists_assigned_tasks_at_a_pinned_number_of_queries(
    client, officer_a, scenario, units, letter, count, django_assert_num_queries
):
    from django.utils import timezone

    today = timezone.localdate()
    RemediationTask.objects.bulk_create(
        RemediationTask(
            source_document=letter,
            point=n % 2 + 1,
            responsible_unit=[units.district_a, units.commune_a][n % 2],
            monitoring_unit=units.department,
            description=f"Nhiệm vụ được giao số {n + 1}.",
            deadline=today + datetime.timedelta(days=n % 40 - 10),
            status=[TaskStatus.OPEN, TaskStatus.REPORTED, TaskStatus.RETURNED][n % 3],
        )
        for n in range(count)
    )
    client.force_login(officer_a)
    client.get(reverse("inspections:unit_home"))
    # The same pinned count as with remediation tasks alone (session, user,
    # memberships, units, successions, tasks, unread count, inspections, notices).
    with django_assert_num_queries(9):
        response = client.get(reverse("inspections:unit_home"))
    body = response.content.decode()
    assert body.count("Nhiệm vụ được giao số ") == count
    assert reverse("inspections:document_report_open", args=[letter.pk]) in body


def test_assigned_tasks_are_reminded_and_long_overdue_units_escalated_once(
    letter, units, officer_a, make_member, mailoutbox, settings
):
    from inspections.reminders import escalations_send, reminders_send

    settings.CCHC_TASK_ESCALATION_DAYS = 10
    monitor_leader = make_member(Role.LEADER, units.department, username="lanhdao.snv")
    today = D(2025, 3, 10)
    soon = RemediationTask.objects.create(
        source_document=letter,
        point=1,
        responsible_unit=units.district_a,
        monitoring_unit=units.department,
        description="Rà soát thủ tục hành chính.",
        deadline=today + datetime.timedelta(days=7),
    )
    late = RemediationTask.objects.create(
        source_document=letter,
        point=2,
        responsible_unit=units.district_a,
        monitoring_unit=units.department,
        description="Báo cáo Sở Nội vụ.",
        deadline=today - datetime.timedelta(days=11),
    )
    assert reminders_send(today=today) == {"sent": 1, "skipped": 0}
    assert [m.to for m in mailoutbox] == [[officer_a.email]]
    assert escalations_send(today=today) == {"sent": 1, "skipped": 0}
    assert escalations_send(today=today) == {"sent": 0, "skipped": 1}
    escalation = mailoutbox[-1]
    assert escalation.to == [monitor_leader.email]
    assert "điểm 2" in escalation.body and "quá 11 ngày" in escalation.body
    assert soon.reminders.get().kind == "before-7" and late.reminders.get().kind == "escalate"


def test_a_unit_that_ends_hands_its_assigned_tasks_to_its_successor(letter, units):
    from cchc.services import unit_create, unit_end

    task = RemediationTask.objects.create(
        source_document=letter,
        point=1,
        responsible_unit=units.commune_b,
        description="Rà soát thủ tục hành chính.",
        deadline=D(2025, 9, 1),
    )
    successor = unit_create(
        name="Ủy ban nhân dân xã Hà Nha",
        short_name="UBND xã Hà Nha",
        kind=UnitKind.COMMUNE,
        parent=units.province,
        valid_from=D(2025, 7, 1),
    )
    unit_end(unit=units.commune_b, last_day=D(2025, 6, 30), successors=[successor], legal_basis="NQ")
    task.refresh_from_db()
    assert task.responsible_unit == successor and task.source_document == letter


def test_the_assignments_page_refuses_a_point_without_units_and_keeps_what_was_typed(
    client, inspector, letter, units
):
    section = len(letter.content["sections"]) - 1
    url = reverse("inspections:document_assignments", args=[letter.pk])
    client.force_login(inspector)
    prefix = f"p{section}-2"
    response = client.post(
        url,
        {
            "section": section,
            "point": 2,
            f"{prefix}-section": section,
            f"{prefix}-point": 2,
            f"{prefix}-deadline_kind": DeadlineKind.WORKING_DAYS,
            f"{prefix}-days": "12",
            f"{prefix}-monitoring_unit": units.department.pk,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Điểm 2: chưa chọn đơn vị thực hiện." in body
    assert 'value="12"' in body
    assert not TaskAssignment.objects.filter(document=letter).exists()
    response = client.post(
        url,
        {
            "section": section,
            "point": 2,
            f"{prefix}-section": section,
            f"{prefix}-point": 2,
            f"{prefix}-groups": [UnitGroup.DISTRICTS],
            f"{prefix}-deadline_kind": DeadlineKind.WORKING_DAYS,
            f"{prefix}-days": "12",
            f"{prefix}-monitoring_unit": units.department.pk,
        },
    )
    assert response.status_code == 302
    saved = TaskAssignment.objects.get(document=letter, point=2)
    assert saved.groups == [UnitGroup.DISTRICTS] and saved.days == 12
    assert saved.monitoring_unit == units.department

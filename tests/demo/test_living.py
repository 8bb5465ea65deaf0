"""The living demo (``demo.living``, issue 16): loaded on any day, it shows
that day's work in the units as they are today: tasks due this week and
overdue by days, a populated dashboard for the leader of thành phố Đà Nẵng,
indicator tables of this year and the last ones, history dated when the
demo says things happened; and the seed conclusions stay under the units
that issued them, remediated long ago."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cchc.documents.services import signing_certificate_for
from cchc.models import Membership, User
from dashboards import pages
from dashboards.rollup import rollup_refresh
from dashboards.selectors import resolve_scope
from demo.living import LivingDemoError, load_living_demo
from demo.province import load_all_demo
from indicators.models import IndicatorTable, IndicatorValue
from indicators.selectors import table_list
from inspections.choices import InspectionStatus, RemediationReportStatus, TaskStatus
from inspections.drafting import documents_of
from inspections.models import Finding, Inspection, RemediationReport, RemediationReportItem, RemediationTask
from inspections.selectors import review_queue, unit_tasks

pytestmark = pytest.mark.django_db

#: Two days far apart: late in the year, and early in the next, when this
#: year's plan has only just begun.
DAYS = [datetime.date(2026, 12, 5), datetime.date(2027, 2, 20)]


def leader_scope(day: datetime.date):
    leader = User.objects.get(username="leader")
    return resolve_scope(leader, unit_id=None, year=None, mode=None, area_id=None, today=day)


@pytest.fixture
def loaded(db, settings):
    settings.CCHC_ALLOW_DEMO_DATA = True

    def load(day: datetime.date):
        call_command("load_demo", "--today", day.isoformat(), stdout=StringIO())
        rollup_refresh()

    return load


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_demo_loaded_on_any_day_has_tasks_due_this_week_and_overdue_by_days(loaded, day):
    loaded(day)
    officer = User.objects.get(username="officer")
    tasks = list(unit_tasks(officer, day))
    due_soon = [task for task in tasks if task.due_soon]
    overdue = [task for task in tasks if task.overdue]
    assert sorted(task.days_left for task in due_soon) == [3, 6]
    assert sorted(task.days_overdue for task in overdue) == [4, 9]
    # Nothing the unit still has to do is years old.
    assert all(task.days_overdue <= 31 for task in tasks if task.status in ("open", "returned"))
    # Every open task of the whole demo is within weeks, not years.
    for task in RemediationTask.objects.open().with_deadline_facts(day):
        assert task.days_overdue <= 31, (task, task.deadline)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_leaders_dashboard_is_populated_on_any_day(loaded, day):
    loaded(day)
    scope = leader_scope(day)
    assert scope.root.code == "48" and scope.root.valid_to is None  # thành phố Đà Nẵng, today's unit
    assert scope.year == day.year and not scope.forced_history
    page = pages.overview_page(scope)
    figures = {figure.key: figure.display for figure in page.inspection_figures + page.task_figures}
    assert figures["planned"] == "5" and figures["done"] == "3" and figures["issued"] == "2"
    tasks = page.tasks
    assert (tasks.total, tasks.accepted, tasks.reported, tasks.not_due, tasks.overdue) == (8, 1, 1, 3, 3)
    # Days to remediate: this year's accepted task, within weeks.
    assert 1 <= tasks.mean_days <= 120, tasks.mean_days

    # The trend: inspections last year and this, indicator figures over the
    # years (the old Quảng Nam units' before 1/7/2025).
    trends = pages.trends_page(scope)
    by_year = {row.year: row for row in trends.years}
    assert by_year[day.year - 1].inspections_done == 3 and by_year[day.year].inspections_done == 3
    with_figures = [row.year for row in trends.years if row.metrics[0].ratio.denominator]
    assert len(with_figures) >= 6 and day.year - 1 in with_figures

    # Last year's plan closed but for one task returned with a new deadline.
    last = RemediationTask.objects.filter(inspection__plan__year=day.year - 1)
    assert last.filter(status=TaskStatus.ACCEPTED).count() == 4
    returned = last.get(status=TaskStatus.RETURNED)
    assert returned.deadline == day + datetime.timedelta(days=7)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_this_years_plan_is_under_way(loaded, day):
    loaded(day)
    inspections = {
        inspection.unit.short_name: inspection
        for inspection in Inspection.objects.filter(plan__year=day.year, plan__issuer__code="48")
    }
    assert {name: inspection.status for name, inspection in inspections.items()} == {
        "UBND xã Duy Xuyên": InspectionStatus.CONCLUDED,
        "UBND xã Nam Phước": InspectionStatus.CONCLUDED,
        "UBND xã Duy Nghĩa": InspectionStatus.IN_PROGRESS,
        "UBND xã Thu Bồn": InspectionStatus.PLANNED,
    }
    for inspection in inspections.values():
        assert inspection.plan.issued_on <= inspection.inspected_on
        if inspection.status != InspectionStatus.PLANNED:
            assert inspection.inspected_on < day
    # The notice in progress awaits issue and signature.
    notice = documents_of(inspections["UBND xã Duy Nghĩa"]).get()
    assert notice.status == "draft" and notice.issuing_unit.code == "48"
    # The inspector has a report to review.
    inspector = User.objects.get(username="inspector")
    assert [report.unit.short_name for report in review_queue(inspector)] == ["UBND xã Nam Phước"]


def test_loading_twice_changes_nothing_and_another_day_moves_the_dates(loaded):
    loaded(DAYS[0])
    again = load_all_demo(today=DAYS[0])
    assert again.changed == 0
    history = RemediationTask.history.count()
    assert load_all_demo(today=DAYS[0]).changed == 0 and RemediationTask.history.count() == history

    moved = DAYS[0] + datetime.timedelta(days=3)
    load_all_demo(today=moved)
    officer = User.objects.get(username="officer")
    assert sorted(task.days_overdue for task in unit_tasks(officer, moved) if task.overdue) == [4, 9]


def test_leader_and_officers_belong_to_todays_units(loaded):
    loaded(DAYS[0])
    current = Membership.objects.filter(valid_to__isnull=True).select_related("unit", "user")
    demo = {membership.user.username: membership.unit for membership in current}
    for username in ("leader", "inspector", "admin", "officer", "officer_sonham", "officer_anhoathinh"):
        assert demo[username].valid_to is None, (username, demo[username])
    assert demo["leader"].short_name == "UBND thành phố Đà Nẵng"
    assert demo["officer"].short_name == "UBND xã Duy Xuyên"
    assert demo["officer_sonham"].short_name == "UBND xã Kim Hoa"


def test_the_seed_conclusions_stay_under_the_units_that_issued_them_remediated(loaded):
    loaded(DAYS[0])
    seed = Inspection.objects.get(plan__year=2019, plan__number="2005/KH-UBND")
    assert seed.unit.short_name == "UBND huyện Duy Xuyên"
    assert seed.plan.issuer.former_code == "49"  # tỉnh Quảng Nam
    assert seed.status == InspectionStatus.CLOSED and seed.closed_at.year == 2020
    assert set(seed.tasks.values_list("status", flat=True)) == {TaskStatus.ACCEPTED}


def test_history_is_dated_when_the_demo_says_it_happened(loaded):
    started = timezone.now()
    loaded(DAYS[0])
    assert not Finding.history.filter(history_date__gte=started).exists()
    assert not RemediationTask.history.filter(history_date__gte=started).exists()
    assert not IndicatorValue.history.filter(history_date__gte=started).exists()
    seed = Inspection.objects.get(plan__year=2019, plan__number="2005/KH-UBND")
    dates = {entry.history_date.year for entry in Finding.history.filter(inspection_id=seed.pk)}
    assert dates == {2019}
    task = RemediationTask.objects.filter(inspection=seed).first()
    steps = [
        (entry.status, entry.history_date.date()) for entry in task.history.order_by("history_date", "pk")
    ]
    assert [status for status, _day in steps] == ["open", "reported", "accepted"]
    assert steps[0][1] == datetime.date(2019, 11, 8) and steps[-1][1].year == 2020


def test_the_leader_sees_indicator_tables_of_this_year_and_the_last_ones(loaded):
    loaded(DAYS[0])
    leader = User.objects.get(username="leader")
    years = set(table_list(leader).values_list("year", flat=True))
    assert {DAYS[0].year, DAYS[0].year - 1, DAYS[0].year - 2} <= years
    assert IndicatorTable.objects.filter(year=DAYS[0].year, status="draft").exists()


def test_the_living_demo_refuses_a_day_before_todays_units(db):
    load_all_demo(today=DAYS[0])
    with pytest.raises(LivingDemoError):
        load_living_demo(today=datetime.date(2025, 3, 1))


def test_the_pages_of_the_demo_today(loaded, client):
    """Loaded today, as ``make run`` does: the leader's dashboard with no
    'ended' banner, the officer's home with days, never negative."""
    loaded(timezone.localdate())
    client.force_login(User.objects.get(username="leader"))
    content = client.get(reverse("dashboards:overview")).content.decode()
    assert "đã kết thúc hoạt động" not in content
    assert "UBND thành phố Đà Nẵng" in content
    assert client.get(reverse("indicators:table_list")).context["paginator"].count >= 10
    client.force_login(User.objects.get(username="officer"))
    content = client.get(reverse("inspections:unit_home")).content.decode()
    assert "quá hạn 4 ngày" in content and "quá hạn 9 ngày" in content
    assert "<td>3 ngày</td>" in content and "<td>6 ngày</td>" in content
    assert not re.search(r"-\d+\s*ngày", content)


def test_loading_again_leaves_what_was_done_in_the_app_alone(loaded):
    """A task the officer reported in the app since the last load keeps its
    report and its status when ``make run`` loads the demo again."""
    loaded(DAYS[0])
    inspection = Inspection.objects.get(plan__year=DAYS[0].year, unit__code="20623")
    task = inspection.tasks.order_by("deadline").first()
    report = RemediationReport.objects.create(
        inspection=inspection,
        unit=inspection.unit,
        revision=2,
        summary="Báo cáo do cán bộ xã gửi trên hệ thống.",
        status=RemediationReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    RemediationReportItem.objects.create(report=report, task=task, progress="done")
    RemediationTask.objects.filter(pk=task.pk).update(status=TaskStatus.REPORTED)

    load_all_demo(today=DAYS[0])
    task.refresh_from_db()
    assert task.status == TaskStatus.REPORTED
    assert RemediationReport.objects.filter(pk=report.pk, status=RemediationReportStatus.SUBMITTED).exists()


def test_the_notice_awaiting_signature_has_its_issuing_bodys_demo_certificate(loaded, settings, tmp_path):
    """The draft notice of xã Duy Nghĩa is Đà Nẵng's to issue and sign:
    ``create_demo_certificate`` (run by ``make run``) gives Đà Nẵng its own
    demonstration certificate, so "Ký số trên máy chủ" can sign it."""
    loaded(DAYS[0])
    settings.CCHC_SIGNING_P12 = str(tmp_path / "org.p12")
    settings.CCHC_TRUSTED_ROOTS = [str(tmp_path / "root.pem")]
    settings.CCHC_SIGNING_P12_DIR = str(tmp_path / "bodies")
    settings.CCHC_SIGNING_P12_PASSWORD = "mật-khẩu-thử"
    call_command("create_demo_certificate", stdout=StringIO())
    notice = documents_of(Inspection.objects.get(plan__year=DAYS[0].year, unit__code="20635")).get()
    assert signing_certificate_for(notice).name == "ubnd-thanh-pho-da-nang.p12"

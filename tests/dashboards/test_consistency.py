"""One definition of each task figure, from the task rules
(``RemediationTaskQuerySet``): the year chart splits the tasks into
accepted, awaiting review, not yet due and overdue, each segment lists
exactly its tasks, the legend names every segment in its own colour, and no
page counts days left below zero (issue 16)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cchc.choices import Role
from inspections.choices import RemediationReportStatus, ReviewDecision, TaskStatus
from inspections.models import RemediationReport, RemediationReportItem
from tests.dashboards.conftest import at

pytestmark = pytest.mark.django_db


def report_t3(dash):
    """T3 (due 31/10/2024, long passed) reported late and awaiting review."""
    task = dash.tasks.t3
    task.status = TaskStatus.REPORTED
    task.save()
    report = RemediationReport.objects.create(
        inspection=dash.inspections.da,
        unit=dash.units.district_a,
        revision=2,
        status=RemediationReportStatus.SUBMITTED,
        submitted_at=at(datetime.date(2024, 11, 12)),
        is_late=True,
    )
    RemediationReportItem.objects.create(report=report, task=task, decision=ReviewDecision.PENDING)
    return task


def task_bar(page):
    return next(bar for bar in page.chart.bars if bar.label == "Nhiệm vụ khắc phục")


def test_a_task_reported_after_its_deadline_awaits_review_and_is_never_not_yet_due(
    client, dash, province_leader
):
    report_t3(dash)
    client.force_login(province_leader)
    page = client.get(reverse("dashboards:overview"), {"year": 2024}).context["page"]
    segments = {segment.label: segment for segment in task_bar(page).segments}
    # T1, T2 accepted; T3 reported; T4 due in 60 days; T5 returned and overdue.
    assert {label: segment.value for label, segment in segments.items()} == {
        "Đã chấp nhận": 2,
        "Chờ xem xét": 1,
        "Chưa đến hạn": 1,
        "Quá hạn": 1,
    }
    assert sum(segment.value for segment in segments.values()) == page.tasks.total
    # Each segment lists exactly the tasks it counts.
    listed = {}
    for label, segment in segments.items():
        response = client.get(segment.href)
        assert response.status_code == 200, label
        listed[label] = {task.pk for task in response.context["page_obj"]}
    assert listed["Chờ xem xét"] == {dash.tasks.t3.pk}
    assert listed["Chưa đến hạn"] == {dash.tasks.t4.pk}
    assert listed["Quá hạn"] == {dash.tasks.t5.pk}


def test_every_segment_is_in_the_legend_and_every_legend_entry_has_its_own_colour(
    client, dash, province_leader
):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:overview"), {"year": 2024})
    chart = response.context["page"].chart
    legend = {css: (label, colour) for css, label, colour in chart.legend}
    used = {segment.css for bar in chart.bars for segment in bar.segments}
    assert used <= set(legend), used - set(legend)
    colours = [colour for _label, colour in legend.values()]
    assert len(set(colours)) == len(colours), chart.legend
    # Every legend entry ("Chờ xem xét" included) is a segment of the chart.
    assert {label for label, _colour in legend.values()} == {
        segment.label for bar in chart.bars for segment in bar.segments
    }
    # The stylesheet agrees with the SVG attributes.
    css = (Path(settings.BASE_DIR) / "static" / "dashboards" / "dashboards.css").read_text("utf-8")
    for name, (_label, colour) in legend.items():
        assert f".{name} {{ fill: {colour}; }}" in css, name


def test_the_unit_home_says_what_happened_instead_of_negative_days(client, dash, make_member):
    report_t3(dash)
    officer = make_member(Role.UNIT_OFFICER, dash.units.district_a, username="canbo.duyxuyen")
    client.force_login(officer)
    content = client.get(reverse("inspections:unit_home")).content.decode()
    assert not re.search(r"-\d+\s*ngày", content)
    assert "Đã báo cáo ngày 12/11/2024" in content
    assert "Đã chấp nhận ngày 25/09/2024" in content


def test_the_overdue_list_counts_the_days(client, dash, province_leader):
    client.force_login(province_leader)
    content = client.get(
        reverse("dashboards:task_list"), {"year": 2024, "status": "overdue"}
    ).content.decode()
    days = (timezone.localdate() - dash.tasks.t5.deadline).days
    assert f"quá hạn {days} ngày" in content

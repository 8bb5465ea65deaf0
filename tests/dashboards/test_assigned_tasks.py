"""Tasks assigned by documents' points (issue 13) on the leaders' dashboards:
counted beside the remediation tasks, with the same task rules, filtered by
source document, and the list behind each figure."""

import datetime

import pytest
from django.urls import reverse

from cchc.documents import services
from inspections import assignments
from inspections.choices import DeadlineKind, TaskStatus
from inspections.drafting import conference_draft, follow_up_draft
from inspections.models import RemediationTask

pytestmark = pytest.mark.django_db

D = datetime.date
ISSUED_ON = D(2024, 9, 2)


def _issued_with_points(document, points, assigned):
    """A draft with its numbered points, each assigned to units by a date,
    then numbered (issuing creates the tasks)."""
    document.content["sections"][-1]["points"] = points
    document.signer_position, document.signer_name = "CHỦ TỊCH", "Nguyễn Văn A"
    document.save()
    section = len(document.content["sections"]) - 1
    for point, (units, deadline) in assigned.items():
        assignments.assignment_save(
            document=document,
            section=section,
            point=point,
            units=units,
            groups=[],
            deadline_kind=DeadlineKind.DATE,
            deadline_date=deadline,
        )
    services.document_number(document=document, issued_on=ISSUED_ON)
    document.refresh_from_db()
    return document


@pytest.fixture
def letters(dash):
    units = dash.units
    letter = _issued_with_points(
        follow_up_draft(plan=dash.plans.y2024),
        ["Rà soát thủ tục hành chính.", "Báo cáo Sở Nội vụ."],
        {
            1: ([units.district_a, units.commune_a], D(2024, 10, 15)),
            2: ([units.district_a], D(2024, 12, 31)),
        },
    )
    notice = _issued_with_points(
        conference_draft(plan=dash.plans.y2024),
        ["Tăng cường ứng dụng công nghệ thông tin."],
        {1: ([units.commune_a], D(2024, 11, 30))},
    )
    RemediationTask.objects.filter(source_document=letter, point=2).update(
        status=TaskStatus.ACCEPTED, accepted_at=datetime.datetime(2024, 12, 20, 9, tzinfo=datetime.UTC)
    )
    return letter, notice


def figures(response) -> dict[str, str]:
    page = response.context["page"]
    return {f.key: f.display for f in page.task_figures + page.assigned_figures}


def test_assigned_tasks_are_counted_beside_remediation_tasks(client, dash, province_leader, letters):
    letter, notice = letters
    client.force_login(province_leader)
    before = {"tasks": "5", "open": "3"}  # the five remediation tasks of the 2024 conclusions
    response = client.get(reverse("dashboards:overview"), {"year": 2024})
    assert response.status_code == 200
    found = figures(response)
    assert {key: found[key] for key in before} == before
    # Four assigned tasks: two on the letter's point 1, one on its point 2
    # (accepted), one on the notice; the deadlines have passed.
    assert (
        found["assigned"],
        found["assigned_open"],
        found["assigned_overdue"],
        found["assigned_accepted"],
    ) == (
        "4",
        "3",
        "3",
        "1",
    )
    documents = {d.number: d for d in response.context["page"].documents}
    assert documents.keys() == {letter.number_symbol, notice.number_symbol}
    assert (documents[letter.number_symbol].total, documents[letter.number_symbol].overdue) == (3, 2)
    body = response.content.decode()
    assert 'data-figure="assigned_overdue"' in body and f'data-document="{letter.pk}"' in body
    # Drilled into a district: only its own tasks (and those of its communes).
    response = client.get(reverse("dashboards:overview"), {"year": 2024, "unit": dash.units.commune_a.pk})
    assert figures(response)["assigned"] == "2"
    # Another year knows none of them.
    assert figures(client.get(reverse("dashboards:overview"), {"year": 2023}))["assigned"] == "0"


def test_the_filter_by_source_document(client, dash, province_leader, letters):
    letter, notice = letters
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:overview"), {"year": 2024, "document": letter.pk})
    assert response.status_code == 200
    found = figures(response)
    assert (found["assigned"], found["assigned_overdue"], found["assigned_accepted"]) == ("3", "2", "1")
    assert found["tasks"] == "5"  # the remediation tasks are not a document's points
    body = response.content.decode()
    assert f'<input type="hidden" name="document" value="{letter.pk}"' in body
    assert letter.number_symbol in response.context["scope_title"]
    assert "js-clear-document" in body
    # The other page of the dashboard keeps the filter.
    units = client.get(reverse("dashboards:units"), {"year": 2024, "document": notice.pk})
    assert units.status_code == 200 and f"document={notice.pk}" in units.content.decode()
    # A draft, or a document that assigns nothing, is not a filter: 404.
    draft = follow_up_draft(plan=dash.plans.y2023)
    assert client.get(reverse("dashboards:overview"), {"document": draft.pk}).status_code == 404
    assert client.get(reverse("dashboards:overview"), {"document": 999999}).status_code == 404


def test_the_list_behind_the_assigned_figures(client, dash, province_leader, letters):
    letter, notice = letters
    client.force_login(province_leader)
    overview = client.get(reverse("dashboards:overview"), {"year": 2024})
    href = next(f.href for f in overview.context["page"].assigned_figures if f.key == "assigned_overdue")
    response = client.get(href)
    assert response.status_code == 200
    tasks = list(response.context["page_obj"])
    assert sorted((t.source_document_id, t.point, t.responsible_unit_id) for t in tasks) == sorted(
        [
            (letter.pk, 1, dash.units.district_a.pk),
            (letter.pk, 1, dash.units.commune_a.pk),
            (notice.pk, 1, dash.units.commune_a.pk),
        ]
    )
    assert all(t.overdue for t in tasks)
    body = response.content.decode()
    assert f"Văn bản {letter.number_symbol}, điểm 1" in body
    # Narrowed to one document, and the remediation list stays without them.
    response = client.get(
        reverse("dashboards:task_list"),
        {"year": 2024, "status": "all", "kind": "assigned", "document": notice.pk},
    )
    assert [t.source_document_id for t in response.context["page_obj"]] == [notice.pk]
    assert notice.number_symbol in response.context["title"]
    remediation = client.get(reverse("dashboards:task_list"), {"year": 2024, "status": "all"})
    assert all(t.inspection_id for t in remediation.context["page_obj"])
    assert len(remediation.context["page_obj"]) == 5
    # A status with no assigned meaning is a 404.
    assert (
        client.get(reverse("dashboards:task_list"), {"status": "late", "kind": "assigned"}).status_code == 404
    )

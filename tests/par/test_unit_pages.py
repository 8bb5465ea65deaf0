"""The units' and appraisers' pages: the grid opens at a fixed query count
whatever the size of the set, saves a cell over HTMX with the area totals,
keeps what was typed on a refusal, and the submission asks for the head."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from par import assessment
from par.choices import ScorecardStatus
from tests.conftest import UploadFiles
from tests.par.builders import build_par_world

#: The grid's queries: session, user, memberships, scope (2), scorecard,
#: editable checks (2), nodes, items, evidence, survey points.
PINNED = 12


def _grid_queries(client, world) -> int:
    client.force_login(world.users.officer)
    url = reverse("par_units:scorecard_detail", args=[world.scorecard.pk])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_grid_query_count_is_pinned_and_does_not_grow(client):
    small = build_par_world(suffix=" A")
    large = build_par_world(suffix=" B", year=2024, extra_leaves=60)
    for code in ("1.1", "1.2"):
        assessment.evidence_add(item=small.item(code), user=small.users.officer, upload=UploadFiles().pdf())
    for n in range(5, 65):
        item = large.item(f"1.{n}")
        assessment.item_self_set(item=item, user=large.users.officer, entered={"yes": True})
        assessment.evidence_add(item=item, user=large.users.officer, upload=UploadFiles().pdf())
    few = _grid_queries(client, small)
    many = _grid_queries(client, large)
    assert few == many
    assert many == PINNED, many


@pytest.mark.django_db
def test_cell_saves_over_htmx_with_totals(client):
    w = build_par_world()
    client.force_login(w.users.officer)
    item = w.item("2.1")
    response = client.post(
        reverse("par_units:item_self", args=[item.pk]),
        {"value": "1,5", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="area-totals"' in body and "hx-swap-oob" in body
    item.refresh_from_db()
    assert str(item.self_score) == "1.5000"
    refused = client.post(
        reverse("par_units:item_self", args=[item.pk]),
        {"value": "7", "version": str(item.version)},
        HTTP_HX_REQUEST="true",
    )
    text = refused.content.decode()
    assert "vượt điểm tối đa 2" in text and 'value="7"' in text
    item.refresh_from_db()
    assert str(item.self_score) == "1.5000"


@pytest.mark.django_db
def test_evidence_upload_refused_file_keeps_the_grid(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = build_par_world()
    client.force_login(w.users.officer)
    item = w.item("1.1")
    bad = SimpleUploadedFile("kc.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(reverse("par_units:evidence_add", args=[item.pk]), {"file": bad}, follow=True)
    assert "không đúng định dạng cho phép" in response.content.decode()
    assert not item.evidence.exists()


@pytest.mark.django_db
def test_submit_page_lists_problems_then_submits(client):
    w = build_par_world()
    client.force_login(w.users.head)
    url = reverse("par_units:scorecard_submit", args=[w.scorecard.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "chưa chấm điểm" in response.content.decode()
    w.scorecard.refresh_from_db()
    assert w.scorecard.status == ScorecardStatus.DRAFT


@pytest.mark.django_db
def test_appraiser_sees_only_own_criteria_across_units(client):
    w = build_par_world()
    from par.models import Scorecard

    Scorecard.objects.filter(pk__in=[w.scorecard.pk, w.other_scorecard.pk]).update(
        status=ScorecardStatus.SUBMITTED, submitted_at="2025-12-01T00:00:00Z"
    )
    # Criterion 1.2 goes to another department.
    w.nodes["1.2"].__class__.objects.filter(pk=w.nodes["1.2"].pk).update(appraising_unit=w.home_affairs)
    client.force_login(w.users.appraiser)
    body = client.get(reverse("par_units:appraisal")).content.decode()
    assert "Hòa Tiến" in body and "Hòa Phong" in body
    assert "Ban hành kế hoạch CCHC năm" in body
    assert "Báo cáo CCHC đúng hạn" not in body

"""The published decision: drafted from locked results with one appendix per
block, issued through the document pipeline (the cycles become published),
rendered by WeasyPrint; the lost points become remediation tasks of the
decision through the kernel's signal; the lowest-ranked picker."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from cchc import unit_pickers
from cchc.choices import DocumentKind
from cchc.documents import official
from cchc.documents.services import document_number
from par import appraisal, assessment
from par.choices import CycleStatus
from par.models import Cycle, SurveyResult
from par.publication import decision_draft
from par.services import cycle_results_compute
from tests.conftest import UploadFiles
from tests.par.builders import build_par_world


def _locked_world():
    w = build_par_world()
    for scorecard, officer in (
        (w.scorecard, w.users.officer),
        (w.other_scorecard, w.users.other_officer),
    ):
        item = lambda code, sc=scorecard: sc.items.get(node__code=code)  # noqa: E731
        assessment.item_self_set(item=item("1.1"), user=officer, entered={"level": "Đúng hạn"})
        assessment.item_self_set(item=item("1.2"), user=officer, entered={"yes": True})
        assessment.item_self_set(item=item("1.3"), user=officer, entered={"percent": "95"})
        assessment.item_self_set(item=item("1.4"), user=officer, entered={"numerator": 1, "denominator": 1})
        assessment.item_self_set(item=item("2.1"), user=officer, entered={"points": "2"})
        for code in ("1.1", "1.2", "1.3", "1.4", "2.1"):
            assessment.evidence_add(item=item(code), user=officer, upload=UploadFiles().pdf())
        type(scorecard).objects.filter(pk=scorecard.pk).update(
            status="submitted", submitted_at="2025-12-01T00:00Z"
        )
        scorecard.refresh_from_db()
        appraisal.item_appraise(item=item("2.1"), user=w.users.appraiser, points="1", reason="Thiếu niêm yết")
        for step in ("round1_close", "round2_open", "lock"):
            appraisal.scorecard_step(scorecard=scorecard, user=w.users.manager, action=step)
        SurveyResult.objects.create(cycle=w.cycle, unit=scorecard.unit, node=w.nodes["2.2"], points=D("2"))
    appraisal.cycle_lock(cycle=w.cycle, user=w.users.manager)
    return w


@pytest.mark.django_db
def test_decision_needs_locked_cycles():
    w = build_par_world()
    with pytest.raises(ValidationError, match="Chưa chốt điểm"):
        decision_draft(province=w.province, year=2025)


@pytest.mark.django_db
def test_decision_drafted_issued_rendered_and_tasks_proposed():
    from inspections.models import RemediationTask

    w = _locked_world()
    assert cycle_results_compute(cycle=w.cycle) == 2
    results = {r.unit_id: r for r in w.cycle.results.select_related("band")}
    # (6 + 1 appraised + 2 survey) / 10 = 90 %: the "Tốt" band starts at 90 % inclusive.
    assert results[w.commune.pk].index == results[w.other.pk].index == D("90")
    assert results[w.commune.pk].band.name == "Tốt"
    assert results[w.commune.pk].rank == results[w.other.pk].rank == 1  # a tie shares the rank
    document = decision_draft(province=w.province, year=2025, user=w.users.manager)
    assert document.kind == DocumentKind.PAR_DECISION
    assert decision_draft(province=w.province, year=2025) == document
    html = official.document_html(document)
    assert "QUYẾT ĐỊNH:" in html and "PHỤ LỤC 01" in html and "UBND xã Hòa Tiến" in html
    assert "<td>90,00</td><td>Tốt</td>" in html and "Điều tra XHH" in html
    assert "<td>4,00</td><td>2,00</td><td>1,00</td><td>2,00</td><td>75,00</td>" in html
    document_number(document=document, user=w.users.manager, issued_on=datetime.date.today())
    w.cycle.refresh_from_db()
    assert w.cycle.status == CycleStatus.PUBLISHED
    tasks = RemediationTask.objects.filter(source_document=document)
    assert sorted(tasks.values_list("responsible_unit_id", flat=True)) == sorted([w.commune.pk, w.other.pk])
    assert "2.1 Công khai thủ tục hành chính (mất 1,00 điểm)" in tasks.first().description
    pdf = official.document_pdf(document)
    assert pdf.startswith(b"%PDF")
    assert unit_pickers.get("par_lowest_ranked").pick(w.province, 2025, 1)[0] in (w.commune, w.other)
    assert Cycle.objects.get(pk=w.cycle.pk).decision == document


@pytest.mark.django_db
def test_next_plan_picks_the_lowest_ranked(client):
    from django.urls import reverse

    from par.models import Result

    w = _locked_world()
    cycle_results_compute(cycle=w.cycle)
    Result.objects.filter(unit=w.other).update(index=D("70"))
    Cycle.objects.filter(pk=w.cycle.pk).update(status=CycleStatus.PUBLISHED)
    client.force_login(w.users.manager)
    url = reverse("inspections:plan_create")
    page = client.get(url, {"pick": "par_lowest_ranked", "issuer": w.province.pk, "year": 2025, "count": 1})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{w.other.pk}" selected>' in body
    assert f'<option value="{w.commune.pk}" selected>' not in body
    assert "Đã chọn thêm 1 đơn vị" in body


@pytest.mark.django_db
def test_overview_for_leaders(client):
    from cchc.choices import SuccessionKind
    from cchc.models import UnitSuccession

    w = _locked_world()
    cycle_results_compute(cycle=w.cycle)
    # Hòa Phong ends and merges into Hòa Tiến: "today's units" gathers it there.
    type(w.other).objects.filter(pk=w.other.pk).update(valid_to=datetime.date(2025, 12, 31))
    UnitSuccession.objects.create(
        predecessor=w.other,
        successor=w.commune,
        kind=SuccessionKind.MERGE,
        effective_date=datetime.date(2026, 1, 1),
    )
    client.force_login(w.users.leader)
    body = client.get("/chi-so-cchc/overview/").content.decode()
    assert "UBND xã Hòa Phong" in body and "2. Cải cách thủ tục hành chính" not in body
    assert "Cải cách thủ tục hành chính" in body  # loses points
    current = client.get("/chi-so-cchc/overview/?mode=current").content.decode()
    assert "UBND xã Hòa Phong" in current  # shown under Hòa Tiến as it was

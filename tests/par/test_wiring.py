"""The two halves of the PAR app as one flow: opening a cycle gives every
scorecard its rows and the system's proposals; the cycle's status follows
its scorecards; the whole cycle is locked at once, only after round 2; the
decision needs every cycle of the year locked and computed after the lock;
the areas stored by the compute are the ones the readers use."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from par import appraisal, assessment
from par.choices import CycleStatus, ScorecardStatus
from par.models import Cycle, ItemScore, Result, Scorecard, SurveyResult
from par.publication import area_figures, decision_draft
from par.services import cycle_create, cycle_open, cycle_results_compute
from tests.conftest import UploadFiles
from tests.factories import InspectionFactory, InspectionPlanFactory
from tests.par.builders import build_par_world


@pytest.mark.django_db
def test_opening_a_cycle_makes_rows_and_proposals():
    w = build_par_world(suffix=" B")
    plan = InspectionPlanFactory(issuer=w.commune, year=2025, issued_on=datetime.date(2025, 1, 10))
    InspectionFactory(plan=plan, issued=True)
    rows = w.scorecard.items.count()  # the builder's rows, as cycle_open makes them
    w.cycle.delete()
    today = timezone.localdate()
    cycle = cycle_create(
        province=w.province,
        criteria_set=w.criteria_set,
        name="Đợt thử",
        self_assessment_due=today + datetime.timedelta(days=5),
        round1_due=today + datetime.timedelta(days=6),
        explanation_due=today + datetime.timedelta(days=7),
        round2_due=today + datetime.timedelta(days=8),
        publication_due=today + datetime.timedelta(days=9),
        user=w.users.manager,
    )
    card = Scorecard.objects.get(cycle=cycle, unit=w.commune)
    assert not card.items.exclude(proposed_score=None).exists()  # a draft cycle proposes nothing yet
    assert card.items.count() == rows
    cycle_open(cycle=cycle)
    assert card.items.count() == rows  # the same rows on both sides
    item = card.items.get(node__code="1.1")
    assert item.proposed_input == {"level": "Đúng hạn"} and item.proposal_source == "inspection_plan"


def _to_round2(w, scorecard, officer):
    for code in ("1.1", "1.2", "1.3", "1.4", "2.1"):
        item = scorecard.items.get(node__code=code)
        entered = {"1.1": {"level": "Đúng hạn"}, "1.2": {"yes": True}, "1.3": {"percent": "95"}}.get(
            code, {"numerator": 1, "denominator": 1} if code == "1.4" else {"points": "2"}
        )
        assessment.item_self_set(item=item, user=officer, entered=entered)
        assessment.evidence_add(item=item, user=officer, upload=UploadFiles().pdf())
    Scorecard.objects.filter(pk=scorecard.pk).update(
        status=ScorecardStatus.SUBMITTED, submitted_at=timezone.now()
    )
    appraisal.item_appraise(
        item=scorecard.items.get(node__code="2.1"), user=w.users.appraiser, points="1", reason="Thiếu"
    )
    for step in ("round1_close", "round2_open"):
        appraisal.scorecard_step(scorecard=scorecard, user=w.users.manager, action=step)


@pytest.mark.django_db
def test_cycle_lock_compute_and_decision():
    w = build_par_world()
    _to_round2(w, w.scorecard, w.users.officer)
    assert Cycle.objects.get(pk=w.cycle.pk).status == CycleStatus.APPRAISAL
    # Hòa Phong is still in draft: the cycle cannot be locked; nothing changes.
    with pytest.raises(ValidationError, match="chưa qua thẩm định vòng 2"):
        appraisal.cycle_lock(cycle=w.cycle, user=w.users.manager)
    assert Scorecard.objects.get(pk=w.scorecard.pk).status == ScorecardStatus.ROUND2
    _to_round2(w, w.other_scorecard, w.users.other_officer)
    for card in (w.scorecard, w.other_scorecard):
        SurveyResult.objects.create(cycle=w.cycle, unit=card.unit, node=w.nodes["2.2"], points=D("2"))
    cycle_results_compute(cycle=w.cycle)  # before the lock: provisional
    assert Result.objects.filter(cycle=w.cycle, provisional=True).count() == 2
    assert appraisal.cycle_lock(cycle=w.cycle, user=w.users.manager) == 2
    cycle = Cycle.objects.get(pk=w.cycle.pk)
    assert cycle.status == CycleStatus.LOCKED and cycle.computed_at is None
    with pytest.raises(ValidationError, match="Chưa tính chỉ số sau khi chốt điểm"):
        decision_draft(province=w.province, year=2025)
    # Nothing moves after the lock.
    with pytest.raises(ValidationError):
        appraisal.cycle_lock(cycle=cycle, user=w.users.manager)
    item = ItemScore.objects.get(scorecard=w.scorecard, node__code="2.1")
    with pytest.raises(ValidationError, match="chốt"):
        appraisal.item_appraise(item=item, user=w.users.appraiser, points="2", reason="x")
    cycle_results_compute(cycle=cycle)
    result = Result.objects.get(cycle=cycle, unit=w.commune)
    assert not result.provisional and result.rank == 1
    # Area 2: 2.1 appraised 1 of 2, survey 2.2 2 of 2 (and the adjustments out of the areas).
    figures = area_figures(result, "2")
    assert (D(figures["max"]), D(figures["self"]), D(figures["appraised"]), D(figures["survey"])) == (
        D("4"),
        D("2"),
        D("1"),
        D("2"),
    )
    assert decision_draft(province=w.province, year=2025, user=w.users.manager).kind == "par_decision"


@pytest.mark.django_db
def test_the_cycle_pages_lead_through_lock_compute_and_decision(client):
    from django.urls import reverse

    w = build_par_world()
    client.force_login(w.users.manager)
    detail = reverse("par:cycle_detail", kwargs={"pk": w.cycle.pk})
    lock = reverse("par:cycle_lock", kwargs={"pk": w.cycle.pk})
    body = client.get(detail).content.decode()
    # The cycle's page: its scorecards, the progress per status, each unit's scorecard, the lock.
    assert f"?cycle={w.cycle.pk}" in body and 'id="cycle-lock"' in body
    assert reverse("par_units:scorecard_detail", kwargs={"pk": w.scorecard.pk}) in body
    listed = client.get(reverse("par_units:scorecard_list"), {"cycle": w.cycle.pk, "status": "draft"})
    assert "UBND xã Hòa Tiến" in listed.content.decode()
    # The scorecard leads back to its cycle.
    page = client.get(reverse("par_units:scorecard_detail", kwargs={"pk": w.scorecard.pk})).content.decode()
    assert 'id="scorecard-cycle"' in page and detail in page
    # Before round 2 the lock page names the scorecards waiting; a POST changes nothing.
    page = client.get(lock).content.decode()
    assert "2 phiếu chưa đến thẩm định vòng 2" in page and "UBND xã Hòa Phong" in page
    refused = client.post(lock)
    assert refused.status_code == 400 and "chưa qua thẩm định vòng 2" in refused.content.decode()
    assert Cycle.objects.get(pk=w.cycle.pk).status == CycleStatus.OPEN
    _to_round2(w, w.scorecard, w.users.officer)
    _to_round2(w, w.other_scorecard, w.users.other_officer)
    assert 'id="cycle-lock-form"' in client.get(lock).content.decode()
    response = client.post(lock, follow=True)
    assert "Đã chốt điểm cả đợt (2 phiếu)" in response.content.decode()
    assert Cycle.objects.get(pk=w.cycle.pk).status == CycleStatus.LOCKED
    assert 'id="decision-draft"' not in client.get(detail).content.decode()  # not computed yet
    cycle_results_compute(cycle=w.cycle)
    body = client.get(detail).content.decode()
    assert 'id="decision-draft"' in body and "/chi-so-cchc/results/" in body
    response = client.post(reverse("par_units:decision_draft", kwargs={"pk": w.cycle.pk}))
    assert response.status_code == 302 and "/documents/" in response["Location"]
    assert 'id="cycle-decision"' in client.get(detail).content.decode()


@pytest.mark.django_db
def test_evidence_through_the_kernel_gate_keeps_what_was_typed(client, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from cchc.models import AuditEvent

    settings.MEDIA_ROOT = str(tmp_path)
    w = build_par_world()
    item = w.item("1.2")
    client.force_login(w.users.officer)
    url = reverse("par_units:evidence_add", kwargs={"pk": item.pk})
    # A page claiming to be a PDF: refused by the gate, the cited page kept.
    fake = SimpleUploadedFile("ke-hoach.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    refused = client.post(url, {"file": fake, "cited_part": "Mục III, trang 7"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "ke-hoach.pdf" in body and 'value="Mục III, trang 7"' in body and "evidence-error" in body
    assert not item.evidence.exists()
    # A real PDF named .html is stored as a PDF, under a .pdf name, as the gate checked it.
    pdf = UploadFiles().pdf("bao-cao.html")
    assert client.post(url, {"file": pdf, "cited_part": "trang 2"}).status_code == 302
    evidence = item.evidence.get()
    assert (evidence.original_name, evidence.content_type) == ("bao-cao.pdf", "application/pdf")
    assert evidence.file.name.endswith(".pdf")
    download = client.get(reverse("par_units:evidence_file", kwargs={"pk": evidence.pk}))
    assert download["Cache-Control"] == "no-store" and download["X-Content-Type-Options"] == "nosniff"
    assert "bao-cao.pdf" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(kind="download", detail="bao-cao.pdf").exists()


@pytest.mark.django_db
def test_a_draft_sets_own_fields_are_edited_on_a_page(client):
    from django.urls import reverse

    from par.models import CriteriaSet

    w = build_par_world()
    draft = CriteriaSet.objects.create(
        province=w.province, year=2026, unit_group=w.criteria_set.unit_group, name="Dự thảo 2026"
    )
    client.force_login(w.users.manager)
    url = reverse("par:set_edit", kwargs={"pk": draft.pk})
    assert 'id="set-edit-form"' in client.get(url).content.decode()
    data = {
        "name": "Bộ tiêu chí 2026",
        "total_points": "100",
        "bonus_cap": "3",
        "penalty_cap": "",
        "level_labels": "Nội dung\nChỉ tiêu\nTiêu chí thành phần",
    }
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.bonus_cap, draft.penalty_cap) == ("Bộ tiêu chí 2026", D("3"), None)
    assert draft.level_labels == ["Nội dung", "Chỉ tiêu", "Tiêu chí thành phần"]
    # Bad input: refused with the message, what was typed kept.
    bad = client.post(url, {**data, "name": "Tên mới", "total_points": "-1"})
    body = bad.content.decode()
    assert bad.status_code == 400 and 'value="Tên mới"' in body
    # An issued set is not manageable as a draft: its page refuses.
    issued = reverse("par:set_edit", kwargs={"pk": w.criteria_set.pk})
    response = client.post(issued, data)
    assert response.status_code == 400 and "ban hành" in response.content.decode()
    w.criteria_set.refresh_from_db()
    assert w.criteria_set.name != "Bộ tiêu chí 2026"

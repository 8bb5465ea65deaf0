"""Self-assessment and appraisal services: scores within each method,
evidence (a document of the system by its number, or a checked file), the
explanation required without evidence, the head's submission, the rounds,
the lock, and every refusal in Vietnamese with nothing half-saved."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.choices import DocumentStatus
from cchc.models import OfficialDocument
from par import appraisal, assessment
from par.choices import CycleStatus, ProposalDecision, ScorecardStatus
from par.models import Evidence, ItemScore
from tests.conftest import UploadFiles
from tests.par.builders import build_par_world


@pytest.fixture
def w(db):
    return build_par_world()


def _fill(w, *, evidence=True):
    """Score every self-assessed item; evidence on each but 1.2 (explained)."""
    user = w.users.officer
    assessment.item_self_set(item=w.item("1.1"), user=user, entered={"level": "Đúng hạn"})
    assessment.item_self_set(item=w.item("1.2"), user=user, entered={"yes": True})
    assessment.item_self_set(item=w.item("1.3"), user=user, entered={"percent": "90"})
    assessment.item_self_set(item=w.item("1.4"), user=user, entered={"numerator": 9, "denominator": 10})
    assessment.item_self_set(item=w.item("2.1"), user=user, entered={"points": "1,5"})
    if evidence:
        for code in ("1.1", "1.3", "1.4", "2.1"):
            assessment.evidence_add(
                item=w.item(code), user=user, upload=UploadFiles().pdf(f"kc-{code}.pdf"), cited_part="trang 2"
            )
        assessment.item_text_set(
            item=w.item("1.2"), user=user, explanation="Báo cáo gửi qua hệ thống điện tử, không lưu bản giấy."
        )


def test_rows_one_per_self_assessed_leaf(w):
    assert sorted(w.scorecard.items.values_list("node__code", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "3.1",
    ]
    assert assessment.scorecard_items_ensure(scorecard=w.scorecard) == 0


def test_scores_follow_each_method(w):
    _fill(w, evidence=False)
    scores = dict(w.scorecard.items.values_list("node__code", "self_score"))
    # 90 % sits in the middle band ("từ 70% đến 90%" inclusive): 1 point.
    assert scores == {
        "1.1": D("1"),
        "1.2": D("1"),
        "1.3": D("1"),
        "1.4": D("1.8"),
        "2.1": D("1.5"),
        "3.1": None,
    }


@pytest.mark.parametrize(
    ("code", "entered", "message"),
    [
        ("2.1", {"points": "3"}, "vượt điểm tối đa 2"),
        ("1.1", {"level": "Sớm"}, "không có trong cách chấm"),
        ("1.3", {"percent": "120"}, "từ 0% đến 100%"),
        ("1.4", {"numerator": 11, "denominator": 10}, "Tử số phải từ 0 đến mẫu số"),
    ],
)
def test_scores_outside_the_method_are_refused(w, code, entered, message):
    item = w.item(code)
    version = item.version
    with pytest.raises(ValidationError, match=message):
        assessment.item_self_set(item=item, user=w.users.officer, entered=entered)
    item.refresh_from_db()
    assert item.self_score is None and item.version == version


def test_grid_text_is_read_per_method(w):
    assert assessment.entered_from_text("yes_no", "Đạt") == {"yes": True}
    assert assessment.entered_from_text("ratio", "45 / 50") == {"numerator": "45", "denominator": "50"}
    assert assessment.entered_from_text("pct_bands", "87,5%") == {"percent": "87,5"}


def test_not_applicable_needs_a_reason(w):
    with pytest.raises(ValidationError, match="phải ghi lý do"):
        assessment.item_self_set(item=w.item("1.4"), user=w.users.officer, not_applicable=True)
    item = assessment.item_self_set(
        item=w.item("1.4"),
        user=w.users.officer,
        not_applicable=True,
        na_reason="Không có kiến nghị trong năm.",
    )
    assert item.not_applicable and item.self_score is None


def test_stale_version_is_refused(w):
    item = w.item("2.1")
    assessment.item_self_set(item=item, user=w.users.officer, entered={"points": "1"}, version=1)
    with pytest.raises(assessment.StaleItemError, match="vừa được người khác lưu"):
        assessment.item_self_set(item=item, user=w.users.officer, entered={"points": "2"}, version=1)


def test_evidence_by_document_number(w):
    document = OfficialDocument.objects.create(
        kind="inspection_plan",
        status=DocumentStatus.ISSUED,
        issuing_unit=w.province,
        issuing_body="UBND tỉnh",
        type_code="KH",
        symbol="UBND",
        number=7,
        year=w.cycle.year,
        issued_on=datetime.date(w.cycle.year, 1, 10),
        place="Chỉ Số",
        summary="Kế hoạch kiểm tra công tác CCHC năm 2025",
    )
    found = assessment.document_by_number(scorecard=w.scorecard, number_text="07/KH-UBND")
    assert found == document
    assessment.evidence_add(item=w.item("1.1"), user=w.users.officer, document=found, cited_part="Mục II")
    assert w.item("1.1").evidence.get().document == document
    with pytest.raises(ValidationError, match="Không tìm thấy văn bản"):
        assessment.document_by_number(scorecard=w.scorecard, number_text="8/KH-UBND")
    with pytest.raises(ValidationError, match="Ghi số, ký hiệu"):
        assessment.document_by_number(scorecard=w.scorecard, number_text="kế hoạch")


def test_evidence_files_are_checked_by_content(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="không đúng định dạng cho phép"):
        assessment.evidence_add(item=w.item("1.1"), user=w.users.officer, upload=fake)
    assert not Evidence.objects.exists()
    piece = assessment.evidence_add(item=w.item("1.1"), user=w.users.officer, upload=UploadFiles().docx())
    assert piece.content_type.endswith("wordprocessingml.document") and len(piece.sha256) == 64


def test_submit_needs_scores_and_explanations_and_the_head(w):
    _fill(w, evidence=False)
    with pytest.raises(ValidationError) as error:
        assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.head)
    assert any("1.2" in message and "giải trình" in message for message in error.value.messages)
    _fill(w)
    with pytest.raises(ValidationError, match="Chỉ lãnh đạo của chính đơn vị"):
        assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.officer)
    with pytest.raises(ValidationError, match="Chỉ lãnh đạo của chính đơn vị"):
        assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.leader)
    scorecard = assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.head)
    assert scorecard.status == ScorecardStatus.SUBMITTED
    with pytest.raises(ValidationError, match="chỉ còn để xem"):
        assessment.item_self_set(item=w.item("2.1"), user=w.users.officer, entered={"points": "2"})


def test_edits_after_the_deadline_are_refused(w):
    later = w.cycle.self_assessment_due + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="quá hạn tự đánh giá"):
        assessment.item_self_set(
            item=w.item("2.1"), user=w.users.officer, entered={"points": "1"}, today=later
        )
    # The day itself still counts.
    assessment.item_self_set(
        item=w.item("2.1"), user=w.users.officer, entered={"points": "1"}, today=w.cycle.self_assessment_due
    )


def test_proposal_accepted_or_overridden_with_reason(w):
    ItemScore.objects.filter(pk=w.item("1.3").pk).update(
        proposed_score=D("2"), proposed_input={"percent": "100"}, proposal_decision=ProposalDecision.PENDING
    )
    with pytest.raises(ValidationError, match="phải ghi lý do"):
        assessment.proposal_decide(item=w.item("1.3"), user=w.users.officer, accept=False)
    item = assessment.proposal_decide(item=w.item("1.3"), user=w.users.officer, accept=True)
    assert item.self_score == D("2") and item.proposal_decision == ProposalDecision.ACCEPTED
    item = assessment.proposal_decide(
        item=w.item("1.3"), user=w.users.officer, accept=False, reason="Một cuộc chưa xong"
    )
    assert item.proposal_decision == ProposalDecision.OVERRIDDEN


def test_rounds_lock_and_history(w):
    _fill(w)
    assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.head)
    appraiser = w.users.appraiser
    with pytest.raises(ValidationError, match="phải ghi lý do"):
        appraisal.item_appraise(item=w.item("1.2"), user=appraiser, points="0")
    with pytest.raises(ValidationError, match="chỉ cho các mức điểm"):
        appraisal.item_appraise(item=w.item("1.2"), user=appraiser, points="0,5", reason="x")
    appraisal.item_appraise(
        item=w.item("1.2"),
        user=appraiser,
        points="0",
        reason="Không có báo cáo quý III",
        request_explanation=True,
    )
    appraisal.item_appraise(item=w.item("2.1"), user=appraiser, points="1", reason="Thiếu niêm yết 3 thủ tục")
    w.scorecard.refresh_from_db()
    assert w.scorecard.status == ScorecardStatus.ROUND1
    appraisal.scorecard_step(scorecard=w.scorecard, user=w.users.manager, action="round1_close")
    appraisal.item_explain(item=w.item("1.2"), user=w.users.officer, text="Đã gửi báo cáo quý III ngày 5/10.")
    assessment.evidence_add(
        item=w.item("1.2"), user=w.users.officer, upload=UploadFiles().pdf("bc-quy-3.pdf")
    )
    assert w.item("1.2").evidence.get().stage == "explanation"
    appraisal.scorecard_step(scorecard=w.scorecard, user=w.users.manager, action="round2_open")
    with pytest.raises(ValidationError, match="vòng 2 khác vòng 1"):
        appraisal.item_appraise(item=w.item("1.2"), user=appraiser, points="1")
    appraisal.item_appraise(item=w.item("1.2"), user=appraiser, points="1", reason="Đã bổ sung báo cáo")
    appraisal.scorecard_step(scorecard=w.scorecard, user=w.users.manager, action="lock")
    item = w.item("1.2")
    assert (item.self_score, item.round1_score, item.round2_score, item.final_score) == (
        D("1"),
        D("0"),
        D("1"),
        D("1"),
    )
    assert (
        item.no_evidence_explanation and item.unit_explanation and item.round1_reason and item.round2_reason
    )
    assert item.history.count() >= 4
    with pytest.raises(ValidationError, match="đã được chốt"):
        appraisal.item_appraise(item=item, user=appraiser, points="0", reason="x")
    with pytest.raises(ValidationError, match="đã được chốt"):
        assessment.item_self_set(item=item, user=w.users.officer, entered={"yes": False})


def test_round1_after_its_deadline_is_refused(w):
    _fill(w)
    assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.head)
    late = w.cycle.round1_due + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="quá hạn thẩm định vòng 1"):
        appraisal.item_appraise(
            item=w.item("2.1"), user=w.users.appraiser, points="1", reason="x", today=late
        )


def test_closed_cycle_refuses_self_scores(w):
    type(w.cycle).objects.filter(pk=w.cycle.pk).update(status=CycleStatus.DRAFT)
    with pytest.raises(ValidationError, match="chưa mở"):
        assessment.item_self_set(item=w.item("2.1"), user=w.users.officer, entered={"points": "1"})
    assert timezone.localdate()


def test_two_appraisers_on_one_item_do_not_overwrite(w):
    _fill(w)
    assessment.scorecard_submit(scorecard=w.scorecard, user=w.users.head)
    seen = w.item("2.1").version
    appraisal.item_appraise(item=w.item("2.1"), user=w.users.appraiser, points="1", reason="a", version=seen)
    with pytest.raises(assessment.StaleItemError, match="vừa được người khác lưu"):
        appraisal.item_appraise(
            item=w.item("2.1"), user=w.users.appraiser, points="0", reason="b", version=seen
        )
    assert w.item("2.1").round1_score == 1

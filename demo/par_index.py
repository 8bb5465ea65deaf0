"""The PAR index demo (Chỉ số CCHC năm 2025 of thành phố Đà Nẵng).

``load_par_demo`` builds, on the demo units (``load_demo`` loads Đà Nẵng,
with former Quảng Nam, from the official lists first):

* links from Quảng Nam's departments to the Đà Nẵng bodies that appraise
  (Sở Nội vụ, Sở Tư pháp, Sở Tài chính, Sở Khoa học và Công nghệ, Văn phòng
  UBND; the default bodies of the official lists), marked illustrative, and
  demo accounts:
  the city's inspector and leader, two appraisers, a commune's officer and
  chairman, a department's officer;
* two issued sets for 2025 (communes; departments) from
  ``fixtures/par_criteria_2025.json`` (the structure is real, most points
  are illustrative, as the file says);
* the communes' cycle, locked, with self-scores, evidence and missing-evidence
  explanations, appraisal differences with reasons, explanations and round
  2, survey points (two communes without: provisional), and computed
  results; the departments' cycle open for self-assessment.

Idempotent: a set or cycle already there is left as it is. Only for
development and demonstrations.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cchc.choices import Role, SuccessionKind, UnitKind
from cchc.models import Membership, Unit, UnitSuccession, User
from cchc.reference import FIXTURES_DIR, FixtureError, LoadResult, read_fixture, upsert
from par import scoring
from par.choices import (
    Assessment,
    CycleStatus,
    EvidenceStage,
    Method,
    ProposalDecision,
    ScorecardStatus,
    SetStatus,
    UnitGroup,
)
from par.models import CriteriaSet, Cycle, Evidence, ItemScore, Scorecard, SurveyResult
from par.services import (
    BandSpec,
    NodeSpec,
    criteria_set_create,
    criteria_set_issue,
    criteria_set_replace_tree,
    criteria_set_update,
    cycle_create,
    cycle_open,
    cycle_results_compute,
    scored_leaves,
    survey_nodes,
)

PAR_FIXTURE = FIXTURES_DIR / "par_criteria_2025.json"
#: Evidence files written (the first items scored with evidence); the rest
#: show as scored without evidence.
EVIDENCE_FILES = 120
PROVINCE_CODE = "48"  # thành phố Đà Nẵng (since 1/7/2025, with former Quảng Nam)
FROM = datetime.date(2025, 7, 1)
#: The bodies that appraise: key → (document symbol of the default body the
#: official lists give the city, the Quảng Nam body it succeeds).
DEPARTMENTS = {
    "snv": ("SNV", "Sở Nội vụ tỉnh Quảng Nam"),
    "stp": ("STP", "Sở Tư pháp tỉnh Quảng Nam"),
    "stc": ("STC", "Sở Tài chính tỉnh Quảng Nam"),
    "skhcn": ("SKHCN", "Sở Khoa học và Công nghệ tỉnh Quảng Nam"),
    "vp": ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh Quảng Nam"),
}
#: The commune whose people get demo accounts: xã Nam Phước (code 20599).
SHOWCASE_COMMUNE = "20599"
SET_NAMES = {
    UnitGroup.COMMUNES: (
        "Bộ tiêu chí xác định Chỉ số cải cách hành chính của UBND các xã, phường, đặc khu năm 2025"
    ),
    UnitGroup.DEPARTMENTS: "Bộ tiêu chí xác định Chỉ số cải cách hành chính của các sở, ban, ngành năm 2025",
}
DECISIONS = {
    UnitGroup.COMMUNES: ("2150/QĐ-UBND", datetime.date(2025, 9, 15)),
    UnitGroup.DEPARTMENTS: ("2149/QĐ-UBND", datetime.date(2025, 9, 15)),
}
DEADLINES = {
    "self_assessment_due": datetime.date(2025, 12, 15),
    "round1_due": datetime.date(2026, 1, 10),
    "explanation_due": datetime.date(2026, 1, 20),
    "round2_due": datetime.date(2026, 1, 31),
    "publication_due": datetime.date(2026, 3, 31),
}
DEMO_PDF = (
    b"%PDF-1.4\n% MAU DEMO - tai lieu kiem chung minh hoa\n"
    b"1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def fixture_specs(
    data: dict, appraisers: dict[str, int] | None = None
) -> tuple[list[NodeSpec], list[BandSpec]]:
    """The fixture's nodes and bands as specs; a node's appraiser is its
    own ``appraiser`` or its nearest ancestor's (keys of ``appraisers``)."""
    appraisers = appraisers or {}
    specs = []
    inherited: dict[int, str] = {}
    for record in data["nodes"]:
        level = len(record["code"].split("."))
        key = record.get("appraiser") or inherited.get(level - 1, "")
        inherited[level] = key
        specs.append(
            NodeSpec(
                code=record["code"],
                name=record["name"],
                level=level,
                max_points=Decimal(record["max"]),
                assessment=record.get("assessment", Assessment.SELF),
                method=record.get("method", ""),
                params=record.get("params", {}),
                rule_text=record.get("rule", ""),
                evidence_expected=record.get("evidence", ""),
                na_policy=record.get("na", "zero"),
                appraising_unit_id=appraisers.get(key)
                if record.get("assessment") != Assessment.SURVEY
                else None,
                proposal_source=record.get("proposal", ""),
                is_illustrative=record.get("illustrative", False),
            )
        )
    bands = [
        BandSpec(
            band["name"],
            None if band["lower"] is None else Decimal(band["lower"]),
            band["lower_inclusive"],
            None if band["upper"] is None else Decimal(band["upper"]),
            band["upper_inclusive"],
        )
        for band in data["bands"]
    ]
    return specs, bands


def _departments(province: Unit, result: LoadResult) -> dict[str, Unit]:
    """The city's bodies that appraise (the default bodies ``load_units``
    gives it; left as they are), each linked to the Quảng Nam body it took
    over (links marked illustrative)."""
    found = {}
    for key, (symbol, predecessor) in DEPARTMENTS.items():
        unit = Unit.objects.filter(parent=province, document_symbol=symbol).first()
        if unit is None:
            raise FixtureError(f"Thành phố Đà Nẵng chưa có cơ quan {symbol}: hãy nạp danh mục đơn vị trước.")
        found[key] = unit
        old = Unit.objects.filter(name=predecessor).first()
        if old is not None:
            upsert(
                UnitSuccession,
                result,
                {"predecessor": old, "successor": unit},
                {
                    "kind": SuccessionKind.MERGE,
                    "effective_date": FROM,
                    "legal_basis": "Nghị quyết số 202/2025/QH15",
                    "is_illustrative": True,
                    "note": "Dữ liệu mẫu Chỉ số CCHC: liên kết sở cũ, sở mới là minh họa.",
                },
            )
    return found


def _user(username, full_name, position, role, unit, password, result: LoadResult) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, position=position)
        user.set_password(password)
        user.full_clean()
        user.save()
        result.record(User, "created")
    else:
        result.record(User, "unchanged")
    upsert(Membership, result, {"user": user, "unit": unit, "role": role}, {"valid_from": FROM})
    result.logins.append((username, role, str(unit)))
    return user


def _set(province, group, data, appraisers, user, result: LoadResult) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(
        province=province, year=2025, unit_group=group, name=SET_NAMES[group]
    ).first()
    if existing is not None:
        result.record(CriteriaSet, "unchanged")
        return existing
    criteria_set = criteria_set_create(
        province=province,
        year=2025,
        unit_group=group,
        name=SET_NAMES[group],
        user=user,
        total_points=Decimal(data["total_points"]),
        level_labels=data["level_labels"],
        national_basis="Quyết định số 1187/QĐ-BNV ngày 15/10/2025 của Bộ Nội vụ",
        notes="Bộ tiêu chí mẫu: cấu trúc theo văn bản công bố, phần lớn số điểm là minh họa "
        "(fixtures/par_criteria_2025.json). Số, ngày quyết định là minh họa.",
        is_illustrative=True,
    )
    criteria_set_update(
        criteria_set=criteria_set,
        bonus_cap=Decimal(data["bonus_cap"]),
        penalty_cap=Decimal(data["penalty_cap"]),
    )
    specs, bands = fixture_specs(data, {key: unit.pk for key, unit in appraisers.items()})
    criteria_set_replace_tree(criteria_set=criteria_set, nodes=specs, bands=bands)
    number, day = DECISIONS[group]
    criteria_set = criteria_set_issue(
        criteria_set=criteria_set, decision_number=number, decision_date=day, user=user
    )
    result.record(CriteriaSet, "created")
    return criteria_set


def _entered(node, rng: random.Random, quality: float) -> dict:
    """What a unit enters for ``node``: good units mostly reach the top."""
    good = rng.random() < quality
    if node.method == Method.YES_NO:
        return {"yes": good}
    if node.method == Method.LEVELS:
        levels = node.params["levels"]
        return {"level": levels[0]["label"] if good else rng.choice(levels[1:])["label"]}
    if node.method == Method.PCT_BANDS:
        return {"percent": str(rng.choice([100, 98, 95, 91]) if good else rng.choice([90, 85, 72, 60]))}
    if node.method == Method.RATIO:
        denominator = rng.randint(5, 40)
        return {"numerator": denominator if good else rng.randint(0, denominator), "denominator": denominator}
    if node.method == Method.BONUS:
        return {"points": "1" if rng.random() < 0.15 else "0"}
    if node.method == Method.PENALTY:
        return {"points": "1" if rng.random() < 0.08 else "0"}
    return {"points": str(node.max_points if good else node.max_points / 2)}


def _lower(node, points: Decimal) -> Decimal | None:
    """A lower score the method allows, or ``None``."""
    allowed = scoring.allowed_points(node.method, node.params, node.max_points)
    if allowed is None:
        return (points / 2).quantize(Decimal("0.0001")) if points > 0 else None
    below = [value for value in allowed if value < points]
    return max(below) if below else None


APPRAISAL_REASONS = [
    "Tài liệu kiểm chứng không thể hiện đủ nội dung theo yêu cầu của tiêu chí.",
    "Kế hoạch ban hành sau thời hạn quy định.",
    "Tỷ lệ tự đánh giá chưa khớp với số liệu trên hệ thống.",
    "Đạt nhưng không có tài liệu kiểm chứng; giải trình chưa được chấp nhận.",
]
EXPLANATIONS = [
    "Đơn vị bổ sung văn bản đã ban hành và trích dẫn trang có nội dung liên quan.",
    "Đơn vị giải trình: số liệu lấy từ báo cáo năm, đã gửi kèm bản chụp có dấu.",
]


def _score_cycle(cycle: Cycle, appraisers: dict[str, User], leader: User) -> None:
    """Self-scores, evidence, explanations, two rounds of appraisal and survey
    points for every scorecard of ``cycle``, deterministic, in bulk; then lock."""
    nodes = {node.pk: node for node in cycle.criteria_set.nodes.order_by("position")}
    leaves = scored_leaves(cycle.criteria_set)
    now = timezone.now()
    items_to_update = []
    evidence = []
    cards = list(Scorecard.objects.filter(cycle=cycle).select_related("unit").order_by("unit__path"))
    for position, card in enumerate(cards):
        rng = random.Random(f"par-demo-{card.unit.code or card.unit.pk}")  # noqa: S311 - demo data
        quality = 0.92 if position % 7 else 0.7
        for node_id in leaves:
            item = ItemScore(scorecard=card, node_id=node_id)
            node = nodes[item.node_id]
            if node.na_policy != "zero" and rng.random() < 0.08:
                item.not_applicable = True
                item.na_reason = "Trong năm không phát sinh nội dung này."
                item.self_input = {}
                item.self_score = None
            else:
                item.self_input = _entered(node, rng, quality)
                item.self_score = scoring.points_for(
                    node.method, node.params, node.max_points, item.self_input
                )
            if item.self_score and item.self_score > 0 and not node.is_adjustment:
                if rng.random() < 0.12:
                    # Seed 002: achieved, but without evidence: explained in writing.
                    item.no_evidence_explanation = (
                        "Đơn vị đã thực hiện nhưng chưa lưu văn bản; đề nghị Hội đồng xem xét báo cáo năm."
                    )
                else:
                    evidence.append(item)
            appraiser = appraisers.get(node.appraising_unit_id)
            lower = _lower(node, item.self_score or Decimal(0)) if not item.not_applicable else None
            if lower is not None and (item.no_evidence_explanation or rng.random() < 0.07):
                item.round1_score = lower
                item.round1_reason = rng.choice(APPRAISAL_REASONS)
                item.round1_by = appraiser
                item.round1_at = now
                item.explanation_requested = True
                if rng.random() < 0.5:
                    item.unit_explanation = rng.choice(EXPLANATIONS)
                    item.explained_at = now
                    accepted = rng.random() < 0.5
                    item.round2_score = item.self_score if accepted else lower
                    item.round2_reason = (
                        "Chấp nhận giải trình và tài liệu bổ sung."
                        if accepted
                        else "Giữ kết quả thẩm định vòng 1."
                    )
                    if item.round2_score == item.round1_score:
                        item.round2_reason = ""
                    item.round2_by = appraiser
                    item.round2_at = now
            if node.proposal_source and not item.not_applicable:
                item.proposal_source = node.proposal_source
                item.proposed_input = item.self_input
                item.proposed_score = item.self_score
                item.proposal_detail = "Đề xuất từ dữ liệu của hệ thống (dữ liệu mẫu)."
                item.proposal_decision = ProposalDecision.ACCEPTED
                item.proposed_at = now
            items_to_update.append(item)
        card.status = ScorecardStatus.LOCKED
        card.submitted_at = card.round1_at = card.explained_at = card.locked_at = now
        card.submitted_by = leader
        card.report_note = "Đề nghị tăng cường tập huấn về số hóa hồ sơ thủ tục hành chính."
    for item in items_to_update:
        # The database checks the named constraints on the bulk write.
        item.full_clean(
            exclude=["scorecard", "node", "round1_by", "round2_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    # The cycle was made without its empty items: written here in one bulk insert.
    ItemScore.objects.bulk_create(items_to_update, batch_size=2000)
    Scorecard.objects.bulk_update(
        cards,
        ["status", "submitted_at", "round1_at", "explained_at", "locked_at", "submitted_by", "report_note"],
    )
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    # One evidence file for the first items scored with evidence (the demo
    # keeps its media small); the others show as scored without evidence.
    for item in evidence[:EVIDENCE_FILES]:
        record = Evidence(
            item=item,
            stage=EvidenceStage.SELF,
            cited_part="Mục II, trang 2",
            note="Dữ liệu mẫu.",
            original_name=f"TLKC-{nodes[item.node_id].code}.pdf",
            content_type="application/pdf",
            size=len(DEMO_PDF),
            sha256=digest,
        )
        record.file.save("tai-lieu-kiem-chung.pdf", ContentFile(DEMO_PDF), save=False)
        record.full_clean(exclude=["item"])
        record.save()
    survey = survey_nodes(cycle)
    rows = []
    for position, card in enumerate(cards):
        if position in (3, 11):
            continue  # survey points not in yet: the index stays provisional
        rng = random.Random(f"par-survey-{card.unit.code or card.unit.pk}")  # noqa: S311 - demo data
        for node in survey:
            share = Decimal(rng.randint(70, 98)) / 100
            rows.append(
                SurveyResult(cycle=cycle, unit=card.unit, node=node, points=(node.max_points * share))
            )
    SurveyResult.objects.bulk_create(rows)
    cycle.status = CycleStatus.LOCKED
    cycle.save(update_fields=["status"])


@transaction.atomic
def load_par_demo(*, password: str, path: Path = PAR_FIXTURE) -> LoadResult:
    """Load the PAR index demo on the demo province (see the module's doc)."""
    result = LoadResult()
    province = Unit.objects.filter(code=PROVINCE_CODE, kind=UnitKind.PROVINCE).first()
    if province is None:
        raise FixtureError("Chưa có thành phố Đà Nẵng (mã 48): hãy nạp dữ liệu mẫu của tỉnh trước.")
    data = read_fixture(path)
    departments = _departments(province, result)
    inspector = _user(
        "inspector_danang",
        "Phạm Thị Minh Thư",
        "Chuyên viên Sở Nội vụ thành phố Đà Nẵng",
        Role.INSPECTOR,
        province,
        password,
        result,
    )
    leader = _user(
        "leader_danang",
        "Võ Văn Hùng",
        "Phó Chủ tịch UBND thành phố Đà Nẵng",
        Role.LEADER,
        province,
        password,
        result,
    )
    appraisers = {
        departments["snv"].pk: _user(
            "thamdinh_snv",
            "Lê Thị Hồng",
            "Trưởng phòng CCHC, Sở Nội vụ",
            Role.APPRAISER,
            departments["snv"],
            password,
            result,
        ),
        departments["stp"].pk: _user(
            "thamdinh_stp",
            "Ngô Văn Tâm",
            "Phó Giám đốc Sở Tư pháp",
            Role.APPRAISER,
            departments["stp"],
            password,
            result,
        ),
    }
    commune = Unit.objects.filter(code=SHOWCASE_COMMUNE, kind=UnitKind.COMMUNE).first()
    commune_leader = leader
    if commune is not None:
        _user(
            "canbo_namphuoc",
            "Trần Văn Lợi",
            "Công chức Văn phòng - Thống kê",
            Role.UNIT_OFFICER,
            commune,
            password,
            result,
        )
        commune_leader = _user(
            "chutich_namphuoc",
            "Huỳnh Thị Lan",
            "Chủ tịch UBND xã Nam Phước",
            Role.LEADER,
            commune,
            password,
            result,
        )
    _user(
        "canbo_stp",
        "Đặng Quốc Bảo",
        "Chuyên viên Văn phòng Sở Tư pháp",
        Role.UNIT_OFFICER,
        departments["stp"],
        password,
        result,
    )

    for group in (UnitGroup.COMMUNES, UnitGroup.DEPARTMENTS):
        criteria_set = _set(province, group, data, departments, inspector, result)
        if (
            criteria_set.status != SetStatus.ISSUED
            or Cycle.objects.filter(criteria_set=criteria_set).exists()
        ):
            result.record(Cycle, "unchanged")
            continue
        label = "UBND các xã, phường, đặc khu" if group == UnitGroup.COMMUNES else "các sở, ban, ngành"
        cycle = cycle_create(
            province=province,
            criteria_set=criteria_set,
            name=f"Xác định Chỉ số cải cách hành chính năm 2025 của {label}",
            user=inspector,
            empty_items=group != UnitGroup.COMMUNES,  # the communes' items are written by _score_cycle
            **DEADLINES,
        )
        result.record(Cycle, "created")
        if group == UnitGroup.COMMUNES:
            # Written as it stands at the end of round 2 (items, evidence,
            # survey; locked) rather than opened: opening would give every
            # scorecard its empty rows first.
            _score_cycle(cycle, appraisers, commune_leader)
            cycle_results_compute(cycle=cycle)
        else:
            cycle_open(cycle=cycle)
    return result

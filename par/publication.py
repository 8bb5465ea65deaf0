"""The published decision (Quyết định công bố Chỉ số CCHC, item 8 of issue
14): drafted from the locked results of a province's cycles of one year,
one appendix per block of units (rank, unit, index, band) and a detailed
table per block (maximum / self / appraised / survey points per area and
the component index). It is an ``OfficialDocument`` of kind
``par_decision`` (declared in ``par/document_kinds.py``): issued, rendered,
signed and verified by the document pipeline like every document. When it
is issued the cycles are published (``par.handlers``) and each unit sees
its own result.

Article 2 asks every head to remedy the criteria that lost points (seed
002); ``par.remediation`` proposes those tasks."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import issuers, kinds
from cchc.models import OfficialDocument

from . import scoring
from .choices import CycleStatus, UnitGroup
from .models import CriteriaNode, Cycle, Result

ZERO = Decimal("0")
ROMAN = ["01", "02", "03", "04"]


def _num(value) -> str:
    if value in (None, ""):
        return ""
    return scoring.display(Decimal(str(value)))


def area_figures(result: Result, code: str) -> dict:
    """One area of a result: max, self, appraised (survey excluded), survey,
    index (the keys ``par.services.cycle_results_compute`` writes)."""
    raw = (result.areas or {}).get(code) or {}
    return {
        "max": raw.get("max"),
        "self": raw.get("self"),
        "appraised": raw.get("appraised"),
        "survey": raw.get("survey"),
        "index": raw.get("index"),
    }


def cycles_to_publish(province, year: int):
    return (
        Cycle.objects.filter(province=province, year=year)
        .select_related("criteria_set")
        .order_by("criteria_set__unit_group", "pk")
    )


def _tables(cycles) -> list[dict]:
    tables = []
    for number, cycle in enumerate(cycles):
        label = ROMAN[number] if number < len(ROMAN) else f"{number + 1:02d}"
        group = UnitGroup(cycle.criteria_set.unit_group).label
        results = list(
            Result.objects.filter(cycle=cycle).select_related("unit", "band").order_by("rank", "unit__path")
        )
        areas = list(
            CriteriaNode.objects.filter(criteria_set_id=cycle.criteria_set_id, level=1).order_by("position")
        )
        tables.append(
            {
                "heading": _("PHỤ LỤC %(n)s") % {"n": label},
                "title": _("CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(y)s CỦA %(g)s")
                % {"y": cycle.year, "g": str(group).upper()},
                "subtitle": "",
                "columns": [_("Xếp hạng"), _("Đơn vị"), _("Chỉ số (%)"), _("Xếp loại")],
                "rows": [
                    [str(r.rank or ""), r.unit.name, scoring.display(r.index), r.band.name if r.band else ""]
                    for r in results
                ],
            }
        )
        detail_rows = []
        for r in results:
            for area in areas:
                figures = area_figures(r, area.code)
                detail_rows.append(
                    [
                        str(r.rank or ""),
                        r.unit.name,
                        f"{area.code}. {area.name}",
                        _num(figures["max"] if figures["max"] is not None else area.max_points),
                        _num(figures["self"]),
                        _num(figures["appraised"]),
                        _num(figures["survey"]),
                        _num(figures["index"]),
                    ]
                )
        tables.append(
            {
                "heading": _("PHỤ LỤC %(n)s (CHI TIẾT)") % {"n": label},
                "title": _("ĐIỂM THEO LĨNH VỰC CỦA %(g)s") % {"g": str(group).upper()},
                "subtitle": "",
                "columns": [
                    _("Xếp hạng"),
                    _("Đơn vị"),
                    _("Lĩnh vực"),
                    _("Điểm tối đa"),
                    _("Tự đánh giá"),
                    _("Thẩm định"),
                    _("Điều tra XHH"),
                    _("Chỉ số thành phần (%)"),
                ],
                "rows": detail_rows,
            }
        )
    return tables


@transaction.atomic
def decision_draft(*, province, year: int, user=None) -> OfficialDocument:
    """The draft decision publishing the year's index of every block, from
    the results of the province's cycles of the year, every one of them
    locked (``par.appraisal.cycle_lock``) and computed after it
    (``par.services.cycle_results_compute``); the existing decision when
    there is one."""
    with translation.override("vi"):
        cycles = list(cycles_to_publish(province, year).select_for_update(of=("self",)))
        if not cycles:
            raise ValidationError(_("Tỉnh chưa có đợt đánh giá Chỉ số CCHC năm %(y)s.") % {"y": year})
        existing = next((c.decision for c in cycles if c.decision_id), None)
        if existing is not None:
            return existing
        not_locked = [c.name for c in cycles if c.status != CycleStatus.LOCKED]
        if not_locked:
            raise ValidationError(
                _("Chưa chốt điểm: %(c)s. Chỉ dự thảo quyết định công bố khi mọi đợt đã chốt điểm.")
                % {"c": "; ".join(not_locked)}
            )
        not_computed = [c.name for c in cycles if c.computed_at is None]
        if not_computed:
            raise ValidationError(
                _("Chưa tính chỉ số sau khi chốt điểm: %(c)s. Hãy tính chỉ số trước khi dự thảo.")
                % {"c": "; ".join(not_computed)}
            )
        drafting_unit = issuers.default_drafting_unit(province)
        header = issuers.unit_header(province, drafting=drafting_unit)
        signatory = issuers.default_signatory(province)
        block = issuers.authority(
            collective="",
            head_title=(signatory.head_title or signatory.position) if signatory else _("CHỦ TỊCH"),
            position=signatory.position if signatory else _("PHÓ CHỦ TỊCH"),
            name=signatory.full_name if signatory else "",
        )
        sets = "; ".join(
            _("Quyết định số %(n)s ngày %(d)s ban hành %(s)s")
            % {
                "n": c.criteria_set.decision_number,
                "d": c.criteria_set.decision_date.strftime("%d/%m/%Y")
                if c.criteria_set.decision_date
                else "",
                "s": c.criteria_set.name,
            }
            for c in cycles
        )
        groups = ", ".join(str(UnitGroup(c.criteria_set.unit_group).label) for c in cycles)
        appendices = ", ".join(ROMAN[n] if n < len(ROMAN) else str(n + 1) for n in range(len(cycles)))
        document = OfficialDocument(
            **kinds.type_fields(DocumentKind.PAR_DECISION),
            issuing_unit=province,
            **header.as_fields(),
            drafting_unit=drafting_unit,
            signatory=signatory,
            place=province.place_name or province.name,
            summary=_("Công bố Chỉ số cải cách hành chính năm %(y)s của %(g)s") % {"y": year, "g": groups},
            content={
                "enacting": _("CHỦ TỊCH %(p)s") % {"p": issuers.body_name(province).replace("\n", " ")},
                "legal_bases": [
                    _("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;"),
                    _(
                        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 của Chính phủ ban hành "
                        "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;"
                    ),
                    _("Căn cứ %(sets)s;") % {"sets": sets},
                    _("Theo đề nghị của Giám đốc Sở Nội vụ."),
                ],
                "decides": _("QUYẾT ĐỊNH:"),
                "sections": [
                    {
                        "title": "",
                        "paragraphs": [
                            _(
                                "Điều 1. Công bố Chỉ số cải cách hành chính năm %(y)s của %(g)s "
                                "(chi tiết tại các Phụ lục %(a)s kèm theo)."
                            )
                            % {"y": year, "g": groups, "a": appendices},
                            _(
                                "Điều 2. Thủ trưởng các cơ quan, đơn vị căn cứ kết quả Chỉ số cải cách hành "
                                "chính năm %(y)s, đề ra biện pháp khắc phục đối với các lĩnh vực có tiêu chí "
                                "bị trừ điểm và báo cáo kết quả về Sở Nội vụ."
                            )
                            % {"y": year},
                            _(
                                "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Giám đốc "
                                "Sở Nội vụ, Thủ trưởng các cơ quan, đơn vị có tên tại Phụ lục kèm theo chịu "
                                "trách nhiệm thi hành Quyết định này."
                            ),
                        ],
                    }
                ],
                "tables": _tables(cycles),
            },
            recipients=[_("Như Điều 3"), _("Bộ Nội vụ (b/c)"), _("Lưu: VT")],
            archive_line=issuers.archive_line(drafting_unit.code if drafting_unit else ""),
            created_by=user,
            source_type=ContentType.objects.get_for_model(Cycle),
            source_id=cycles[0].pk,
            **block.as_fields(),
        )
        document.full_clean()
        document.save()
        Cycle.objects.filter(pk__in=[c.pk for c in cycles]).update(decision=document)
        return document


def cycles_published(*, document: OfficialDocument) -> int:
    """The cycles a decision publishes become published (on issue)."""
    if document.kind != DocumentKind.PAR_DECISION or document.status == DocumentStatus.DRAFT:
        return 0
    return Cycle.objects.filter(decision=document, status=CycleStatus.LOCKED).update(
        status=CycleStatus.PUBLISHED
    )

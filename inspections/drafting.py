"""Drafting official documents from inspections and plans.

A draft copies the findings' text into the document's ``content`` so that
each part can be edited before issue without changing the findings. Header
and signing-block defaults come from the issuing unit and the team.
"""

import functools

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import services as document_services
from cchc.jobs import job_create, job_progress
from cchc.models import Job, OfficialDocument, User

from .choices import FindingKind, TeamRole
from .models import Finding, Inspection, InspectionPlan, InspectionTeam

PLAN_NOTICES_JOB = "plan_notices_issue"


def in_vietnamese(function):
    """Official documents are drafted in Vietnamese whatever the language of
    the person's screen."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return function(*args, **kwargs)

    return wrapper


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]


def _series_and_symbol(plan: InspectionPlan, team: InspectionTeam | None) -> tuple[str, str, str]:
    """(register series, symbol, body name printed) for documents of a plan:
    the team's own series when it issues under its own symbol."""
    if team is not None and team.document_symbol:
        return f"team:{team.pk}", team.document_symbol, team.name.upper()
    issuer = plan.issuer
    return f"unit:{issuer.pk}", issuer.document_symbol or "UBND", (issuer.short_name or issuer.name).upper()


def _parent_body(plan: InspectionPlan, team: InspectionTeam | None) -> str:
    if team is not None and team.document_symbol:
        return (plan.issuer.short_name or plan.issuer.name).upper()
    parent = plan.issuer.parent
    return (parent.short_name or parent.name).upper() if parent else ""


def _signer(team: InspectionTeam | None) -> dict:
    members = list(team.members.all()) if team else []
    head = next((m for m in members if m.role == TeamRole.HEAD), None)
    deputy = next((m for m in members if m.role == TeamRole.DEPUTY), None)
    if head:
        return {
            "signer_prefix": "",
            "signer_authority": "",
            "signer_position": _("TRƯỞNG ĐOÀN"),
            "signer_name": head.full_name,
        }
    if deputy:
        return {
            "signer_prefix": "KT.",
            "signer_authority": _("TRƯỞNG ĐOÀN"),
            "signer_position": _("PHÓ TRƯỞNG ĐOÀN"),
            "signer_name": deputy.full_name,
        }
    return {
        "signer_prefix": "",
        "signer_authority": "",
        "signer_position": _("TRƯỞNG ĐOÀN"),
        "signer_name": "",
    }


def _source(obj) -> dict:
    return {"source_type": ContentType.objects.get_for_model(obj), "source_id": obj.pk}


def documents_of(obj, kind: str | None = None):
    queryset = OfficialDocument.objects.filter(
        source_type=ContentType.objects.get_for_model(obj), source_id=obj.pk, parent__isnull=True
    )
    return queryset.filter(kind=kind) if kind else queryset


@in_vietnamese
def notice_content(inspection: Inspection) -> dict:
    """The three parts of a conclusion notice from the inspection's points."""
    findings = list(inspection.findings.order_by("position", "id"))

    def points(kind):
        return [f.text for f in findings if f.kind == kind]

    unit = inspection.unit.name
    return {
        "intro": _paragraphs(inspection.introduction),
        "sections": [
            {"title": _("I. Những kết quả đạt được"), "points": points(FindingKind.ACHIEVEMENT)},
            {
                "title": _("II. Một số tồn tại, hạn chế"),
                "paragraphs": [
                    _(
                        "Bên cạnh những kết quả đạt được, công tác cải cách hành chính tại %(unit)s "
                        "còn một số "
                        "hạn chế cần được khắc phục, đó là:"
                    )
                    % {"unit": unit}
                ],
                "points": points(FindingKind.SHORTCOMING),
            },
            {
                "title": _("III. Nhiệm vụ trong thời gian đến"),
                "paragraphs": [
                    _(
                        "Để thực hiện hiệu quả hơn công tác cải cách hành chính trong thời gian đến, "
                        "Đoàn kiểm tra "
                        "đề nghị %(unit)s quan tâm thực hiện một số nội dung sau:"
                    )
                    % {"unit": unit}
                ],
                "points": points(FindingKind.RECOMMENDATION),
            },
        ],
    }


@in_vietnamese
def notice_unsaved(*, inspection: Inspection, user: User | None = None) -> OfficialDocument:
    """A draft conclusion notice built from the inspection, not saved (for
    a preview of an inspection that has no notice yet)."""
    plan, team = inspection.plan, inspection.team
    series, symbol, body = _series_and_symbol(plan, team)
    return OfficialDocument(
        kind=DocumentKind.CONCLUSION_NOTICE,
        issuing_unit=plan.issuer,
        register_series=series,
        parent_body=_parent_body(plan, team),
        issuing_body=body,
        type_code="TB",
        symbol=symbol,
        place=plan.issuer.place_name or plan.issuer.name,
        type_name=_("THÔNG BÁO"),
        summary=_("Kết luận kiểm tra công tác cải cách hành chính tại %(unit)s") % {"unit": inspection.unit},
        content=notice_content(inspection),
        recipients=[
            _("Ban Chỉ đạo CCHC tỉnh"),
            _("Các thành viên Đoàn kiểm tra"),
            str(inspection.unit),
        ],
        archive_line=_("Lưu: VT."),
        created_by=user,
        **_signer(team),
        **_source(inspection),
    )


@transaction.atomic
def notice_draft(*, inspection: Inspection, user: User | None = None) -> OfficialDocument:
    """The draft conclusion notice of an inspection: the existing one, or a
    new draft from its findings."""
    existing = documents_of(inspection, DocumentKind.CONCLUSION_NOTICE).order_by("-id").first()
    if existing is not None:
        return existing
    document = notice_unsaved(inspection=inspection, user=user)
    document.full_clean()
    document.save()
    document.recipient_units.set([inspection.unit])
    return document


def _distinct_texts(findings: list[Finding]) -> list[str]:
    """Points across inspections, each text once, in the order given."""
    seen, points = set(), []
    for finding in findings:
        key = finding.text.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        points.append(finding.text)
    return points


@in_vietnamese
@transaction.atomic
def report_draft(*, plan: InspectionPlan, user: User | None = None, deadline=None) -> OfficialDocument:
    """The report over a whole plan, with the per-unit appendix as its own
    document (so it can be signed on its own)."""
    existing = documents_of(plan, DocumentKind.INSPECTION_REPORT).order_by("-id").first()
    if existing is not None:
        return existing
    inspections = list(
        plan.inspections.select_related("unit").prefetch_related("findings").order_by("unit__name")
    )
    team = plan.teams.first()
    series, symbol, body = _series_and_symbol(plan, team)
    findings = [f for i in inspections for f in i.findings.all()]
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in FindingKind.values}
    deadline_text = (
        _("Các đơn vị gửi báo cáo kết quả khắc phục về Đoàn kiểm tra trước ngày %(date)s.")
        % {"date": deadline.strftime("%d/%m/%Y")}
        if deadline
        else ""
    )
    document = OfficialDocument(
        kind=DocumentKind.INSPECTION_REPORT,
        issuing_unit=plan.issuer,
        register_series=series,
        parent_body=_parent_body(plan, team),
        issuing_body=body,
        type_code="BC",
        symbol=symbol,
        place=plan.issuer.place_name or plan.issuer.name,
        type_name=_("BÁO CÁO"),
        summary=_("Kết quả kiểm tra công tác cải cách hành chính năm %(year)s") % {"year": plan.year},
        addressee=(plan.issuer.short_name or plan.issuer.name),
        content={
            "intro": [
                _(
                    "Thực hiện %(plan)s của %(issuer)s về %(title)s, "
                    "Đoàn kiểm tra đã kiểm tra tại %(n)s đơn vị. "
                    "Trên cơ sở kết quả kiểm tra và biên bản làm việc, Đoàn kiểm tra báo cáo kết quả như sau:"
                )
                % {
                    "plan": plan,
                    "issuer": plan.issuer,
                    "title": plan.title[:1].lower() + plan.title[1:],
                    "n": len(inspections),
                }
            ],
            "sections": [
                {
                    "title": _("I. KẾT QUẢ CHÍNH ĐẠT ĐƯỢC"),
                    "points": _distinct_texts(by_kind["achievement"]),
                    "numbered": False,
                },
                {
                    "title": _("II. TỒN TẠI, HẠN CHẾ"),
                    "points": _distinct_texts(by_kind["shortcoming"]),
                    "numbered": False,
                },
                {"title": _("III. KIẾN NGHỊ, ĐỀ XUẤT"), "points": _distinct_texts(by_kind["recommendation"])},
            ],
            "closing": [deadline_text] if deadline_text else [],
        },
        recipients=[str(plan.issuer), _("Các đơn vị được kiểm tra")],
        archive_line=_("Lưu: VT."),
        created_by=user,
        **_signer(team),
        **_source(plan),
    )
    document.full_clean()
    document.save()
    document.recipient_units.set([i.unit for i in inspections])
    appendix = OfficialDocument(
        kind=DocumentKind.REPORT_APPENDIX,
        parent=document,
        issuing_unit=plan.issuer,
        register_series=series,
        parent_body=document.parent_body,
        issuing_body=body,
        type_code="BC",
        symbol=symbol,
        place=document.place,
        type_name=_("PHỤ LỤC"),
        summary=_("Tồn tại, hạn chế của từng đơn vị được kiểm tra"),
        content={
            "appendix": {
                "title": _("TỒN TẠI, HẠN CHẾ CỦA TỪNG ĐƠN VỊ"),
                # Empty: the template prints "(Kèm theo Báo cáo số ... ngày ...)".
                "subtitle": "",
                "units": [
                    {
                        "name": i.unit.name,
                        "points": [f.text for f in i.findings.all() if f.kind == FindingKind.SHORTCOMING],
                    }
                    for i in inspections
                ],
                "closing": [deadline_text] if deadline_text else [],
            }
        },
        signer_position=document.signer_position,
        signer_name=document.signer_name,
        created_by=user,
        **_source(plan),
    )
    appendix.full_clean()
    appendix.save()
    appendix.recipient_units.set([i.unit for i in inspections])
    return document


@in_vietnamese
@transaction.atomic
def follow_up_draft(*, plan: InspectionPlan, user: User | None = None) -> OfficialDocument:
    """The công văn to all inspected bodies of a plan: common shortcomings
    and numbered tasks. A công văn has no type code and its summary is a
    "V/v" line under the number."""
    existing = documents_of(plan, DocumentKind.FOLLOW_UP_LETTER).order_by("-id").first()
    if existing is not None:
        return existing
    inspections = list(plan.inspections.select_related("unit").prefetch_related("findings"))
    findings = [f for i in inspections for f in i.findings.all()]
    issuer = plan.issuer
    document = OfficialDocument(
        kind=DocumentKind.FOLLOW_UP_LETTER,
        issuing_unit=issuer,
        register_series=f"unit:{issuer.pk}",
        parent_body=(issuer.parent.short_name or issuer.parent.name).upper() if issuer.parent else "",
        issuing_body=(issuer.short_name or issuer.name).upper(),
        type_code="",
        symbol=issuer.document_symbol or "UBND",
        place=issuer.place_name or issuer.name,
        type_name="",
        summary=_(
            "V/v chấn chỉnh, khắc phục một số tồn tại, hạn chế qua kết quả kiểm tra công tác CCHC năm %(y)s"
        )
        % {"y": plan.year},
        addressee="; ".join(sorted({str(i.unit) for i in inspections})),
        content={
            "intro": [
                _(
                    "Thực hiện %(plan)s, Đoàn kiểm tra công tác cải cách hành chính "
                    "đã kiểm tra tại %(n)s cơ quan, "
                    "đơn vị. Bên cạnh những kết quả đạt được, công tác cải cách hành chính "
                    "ở một số cơ quan, đơn vị "
                    "vẫn còn những tồn tại, hạn chế sau:"
                )
                % {"plan": plan, "n": len(inspections)}
            ],
            "sections": [
                {
                    "title": "",
                    "points": _distinct_texts([f for f in findings if f.kind == "shortcoming"]),
                    "numbered": False,
                },
                {
                    "title": "",
                    "paragraphs": [
                        _(
                            "Để kịp thời khắc phục những tồn tại, hạn chế nêu trên, "
                            "%(issuer)s yêu cầu Thủ trưởng các "
                            "cơ quan, đơn vị được kiểm tra khẩn trương triển khai một số nội dung sau:"
                        )
                        % {"issuer": issuer}
                    ],
                    "points": _distinct_texts([f for f in findings if f.kind == "recommendation"]),
                },
            ],
        },
        recipients=[_("Như trên")],
        archive_line=_("Lưu: VT."),
        signer_prefix="KT.",
        signer_authority=_("CHỦ TỊCH"),
        signer_position=_("PHÓ CHỦ TỊCH"),
        signer_name="",
        created_by=user,
        **_source(plan),
    )
    document.full_clean()
    document.save()
    document.recipient_units.set([i.unit for i in inspections])
    return document


def plan_notices_issue(*, plan: InspectionPlan, user: User | None = None, sign: bool = True) -> Job:
    """Issue the notices of all inspections of a plan in one job."""
    return job_create(
        kind=PLAN_NOTICES_JOB,
        unit=plan.issuer,
        params={"plan_id": plan.pk, "sign": sign, "user_id": getattr(user, "pk", None)},
        total=max(plan.inspections.count(), 1),
        user=user,
    )


def plan_notices_work(job: Job) -> dict:
    """For each inspection of the plan: draft the notice if needed, issue it
    (once), render it and sign it; progress after each."""
    plan = InspectionPlan.objects.get(pk=job.params["plan_id"])
    user = User.objects.filter(pk=job.params.get("user_id")).first()
    inspections = list(plan.inspections.select_related("unit").order_by("unit__name"))
    numbers = []
    for index, inspection in enumerate(inspections):
        job_progress(job.pk, done=index, total=len(inspections), step=str(inspection.unit))
        document = notice_draft(inspection=inspection, user=user)
        if document.status == DocumentStatus.DRAFT:
            document_services.document_number(document=document, user=user)
        document_services.document_render(document_id=document.pk)
        if job.params.get("sign"):
            document_services.document_sign_on_server(document_id=document.pk)
        numbers.append(OfficialDocument.objects.get(pk=document.pk).number_symbol)
    return {"numbers": numbers}

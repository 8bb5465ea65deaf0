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
from cchc.documents import issuers
from cchc.documents import services as document_services
from cchc.documents.official import format_day_month
from cchc.jobs import job_create, job_progress
from cchc.models import Job, OfficialDocument, User

from .choices import FindingKind, InspectionStatus, TeamRole
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


def decree_date(day) -> str:
    """A date inside the text as the seeds write it: "16/4/2019",
    "05/5/2023", "27/02/2019" (day on two digits, the month on two below
    March), the style of the date line."""
    day_text, month = format_day_month(day)
    return f"{day_text}/{month}/{day.year}"


def plan_reference(plan: InspectionPlan) -> str:
    """ "Kế hoạch số 2005/KH-UBND ngày 16/4/2019"."""
    return _("Kế hoạch số %(number)s ngày %(date)s") % {
        "number": plan.number,
        "date": decree_date(plan.issued_on),
    }


def _header(plan: InspectionPlan, team: InspectionTeam | None) -> issuers.Header:
    """The header of documents of a plan: the team's under its committee
    when it issues under its own symbol, else the plan's issuer's."""
    if team is not None and team.document_symbol:
        return issuers.team_header(
            plan.issuer, team_key=f"team:{team.pk}", team_name=team.name, team_symbol=team.document_symbol
        )
    return issuers.unit_header(plan.issuer)


def _signer(team: InspectionTeam | None) -> dict:
    """A team's document is signed by its head, or by a deputy "KT. TRƯỞNG
    ĐOÀN / PHÓ TRƯỞNG ĐOÀN"."""
    members = list(team.members.all()) if team else []
    head = next((m for m in members if m.role == TeamRole.HEAD), None)
    deputy = next((m for m in members if m.role == TeamRole.DEPUTY), None)
    signer = head or deputy
    return issuers.authority(
        head_title=_("TRƯỞNG ĐOÀN"),
        position=_("TRƯỞNG ĐOÀN") if head or not deputy else _("PHÓ TRƯỞNG ĐOÀN"),
        name=signer.full_name if signer else "",
    ).as_fields()


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
    header = _header(plan, team)
    return OfficialDocument(
        kind=DocumentKind.CONCLUSION_NOTICE,
        issuing_unit=plan.issuer,
        register_series=header.series,
        parent_body=header.parent_body,
        issuing_body=header.issuing_body,
        type_code="TB",
        symbol=header.symbol,
        place=plan.issuer.place_name or plan.issuer.name,
        type_name=_("THÔNG BÁO"),
        summary=_("Kết luận kiểm tra công tác cải cách hành chính tại %(unit)s") % {"unit": inspection.unit},
        content=notice_content(inspection),
        recipients=[
            _("Ban Chỉ đạo CCHC tỉnh"),
            _("Các thành viên Đoàn kiểm tra"),
            str(inspection.unit),
        ],
        archive_line=issuers.archive_line(header.symbol if team and team.document_symbol else ""),
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


def _key(finding: Finding) -> str:
    return " ".join(finding.text.split()).lower()


def _by_area(findings: list[Finding]) -> list[tuple[str, list[str]]]:
    """Distinct points grouped by reform area, areas in catalogue order."""
    areas: dict[int, tuple] = {}
    for finding in findings:
        area = finding.reform_area
        areas.setdefault(area.pk, (area.position, area.name, []))[2].append(finding)
    return [
        (name, _distinct_texts(items)) for _pos, name, items in sorted(areas.values(), key=lambda a: a[0])
    ]


def concluded_inspections(plan: InspectionPlan) -> tuple[list[Inspection], list[Inspection]]:
    """(concluded, left out): a report covers only inspections whose
    conclusion was issued; the others are named and left out."""
    inspections = list(
        plan.inspections.select_related("unit")
        .prefetch_related("findings__reform_area")
        .order_by("unit__name")
    )
    done = [i for i in inspections if i.status in (InspectionStatus.CONCLUDED, InspectionStatus.CLOSED)]
    return done, [i for i in inspections if i not in done]


def common_and_own(
    inspections: list[Inspection], kind: str
) -> tuple[list[Finding], dict[int, list[Finding]]]:
    """Findings of ``kind`` split into the common ones (the same text found
    in more than one inspected unit, or every point when only one unit was
    inspected) and each unit's own (by inspection id)."""
    counts: dict[str, int] = {}
    for inspection in inspections:
        for key in {_key(f) for f in inspection.findings.all() if f.kind == kind}:
            counts[key] = counts.get(key, 0) + 1
    threshold = 1 if len(inspections) == 1 else 2
    common, own = [], {}
    for inspection in inspections:
        for finding in sorted(inspection.findings.all(), key=lambda f: (f.position, f.pk)):
            if finding.kind != kind:
                continue
            if counts[_key(finding)] >= threshold:
                common.append(finding)
            else:
                own.setdefault(inspection.pk, []).append(finding)
    return common, own


def report_warnings(plan: InspectionPlan) -> list[str]:
    """What the person issuing a plan's report is told first: the
    inspections left out because their conclusion is not issued."""
    _done, left_out = concluded_inspections(plan)
    return [
        _("%(unit)s chưa ban hành kết luận kiểm tra nên không có trong báo cáo.") % {"unit": i.unit}
        for i in left_out
    ]


@in_vietnamese
@transaction.atomic
def report_draft(*, plan: InspectionPlan, user: User | None = None, deadline=None) -> OfficialDocument:
    """The report over a whole plan as seed 003 writes it: the results and
    the common shortcomings by reform area, each unit's own shortcomings in
    the appendix (a document of its own, so it can be signed on its own)
    only, "(Có phụ lục kèm theo)", one deadline in the recommendations, and
    only inspections whose conclusion was issued."""
    existing = documents_of(plan, DocumentKind.INSPECTION_REPORT).order_by("-id").first()
    if existing is not None:
        return existing
    inspections, left_out = concluded_inspections(plan)
    team = plan.teams.first()
    header = _header(plan, team)
    issuer = plan.issuer
    committee = issuer.name[:1].upper() + issuer.name[1:]
    achievements, _own = common_and_own(inspections, FindingKind.ACHIEVEMENT)
    achievements += [f for _id, items in sorted(_own.items()) for f in items]
    common, own = common_and_own(inspections, FindingKind.SHORTCOMING)
    recommendations = _distinct_texts(
        [f for i in inspections for f in i.findings.all() if f.kind == FindingKind.RECOMMENDATION]
    )
    if deadline and not any("trước ngày" in r for r in recommendations):
        recommendations.append(
            _("Báo cáo kết quả khắc phục sau kiểm tra về %(issuer)s trước ngày %(date)s.")
            % {"issuer": committee, "date": decree_date(deadline)}
        )
    dates = sorted(i.inspected_on for i in inspections)
    team_text = ""
    if team is not None:
        team_text = _(" (được thành lập theo Quyết định số %(number)s ngày %(date)s của %(issuer)s)") % {
            "number": team.decision_number,
            "date": decree_date(team.decision_date),
            "issuer": team.decision_issuer,
        }
    period = ""
    if dates:
        period = (
            _(" từ ngày %(start)s đến ngày %(end)s")
            % {"start": decree_date(dates[0]), "end": decree_date(dates[-1])}
            if dates[0] != dates[-1]
            else _(" ngày %(day)s") % {"day": decree_date(dates[0])}
        )
    sections = [{"title": _("I. KẾT QUẢ CHÍNH ĐẠT ĐƯỢC")}]
    for index, (area, points) in enumerate(_by_area(achievements), start=1):
        sections.append({"title": f"{index}. {area}", "level": 2, "points": points, "numbered": False})
    sections += [
        {"title": _("II. NHỮNG HẠN CHẾ VÀ NGUYÊN NHÂN")},
        {
            "title": _("1. Những hạn chế chung"),
            "level": 2,
            "points": _distinct_texts(common),
            "numbered": False,
        },
        {
            "title": _("2. Những hạn chế cụ thể của từng đơn vị được kiểm tra"),
            "level": 2,
            "paragraphs": [_("(Có phụ lục kèm theo)")],
            "centred": True,
        },
        {"title": _("III. ĐỀ NGHỊ CỦA ĐOÀN KIỂM TRA")},
        {
            "title": _("1. Đối với các đơn vị được kiểm tra"),
            "level": 2,
            "points": recommendations,
            "numbered": "letters",
        },
        {
            "title": _("2. Kiến nghị đối với %(issuer)s") % {"issuer": issuer},
            "level": 2,
            "paragraphs": [
                _(
                    "Kính đề nghị %(issuer)s ban hành văn bản chỉ đạo các đơn vị được kiểm tra thực hiện "
                    "nghiêm túc, đầy đủ, kịp thời các kiến nghị của Đoàn kiểm tra nêu trên."
                )
                % {"issuer": issuer}
            ],
        },
    ]
    document = OfficialDocument(
        kind=DocumentKind.INSPECTION_REPORT,
        issuing_unit=issuer,
        register_series=header.series,
        parent_body=header.parent_body,
        issuing_body=header.issuing_body,
        type_code="BC",
        symbol=header.symbol,
        place=issuer.place_name or issuer.name,
        type_name=_("BÁO CÁO"),
        summary=_("Kết quả kiểm tra công tác cải cách hành chính năm %(year)s") % {"year": plan.year},
        addressee=committee,
        content={
            "intro": [
                _(
                    "Thực hiện %(plan)s của %(issuer)s về %(title)s, Đoàn kiểm tra%(team)s đã trực tiếp "
                    "kiểm tra, lập biên bản tại %(n)s đơn vị%(period)s. Trên cơ sở kết quả kiểm tra và biên "
                    "bản làm việc, Đoàn kiểm tra tổng hợp và báo cáo kết quả như sau:"
                )
                % {
                    "plan": plan_reference(plan),
                    "issuer": committee,
                    "title": _plan_subject(plan),
                    "team": team_text,
                    "n": f"{len(inspections):02d}" if len(inspections) < 10 else len(inspections),
                    "period": period,
                }
            ],
            "sections": sections,
            "closing": [
                _(
                    "Trên đây là báo cáo kết quả kiểm tra công tác cải cách hành chính năm %(year)s, "
                    "Đoàn kiểm tra xin báo cáo %(issuer)s được biết, chỉ đạo."
                )
                % {"year": plan.year, "issuer": committee}
            ],
            "left_out": [str(i.unit) for i in left_out],
        },
        recipients=[_("Như trên"), _("Các thành viên Đoàn kiểm tra"), _("Các đơn vị được kiểm tra")],
        archive_line=issuers.archive_line(header.symbol if team and team.document_symbol else ""),
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
        issuing_unit=issuer,
        register_series=header.series,
        parent_body=document.parent_body,
        issuing_body=header.issuing_body,
        type_code="BC",
        symbol=header.symbol,
        place=document.place,
        type_name=_("PHỤ LỤC"),
        summary=_("Những hạn chế cụ thể của từng đơn vị được kiểm tra"),
        content={
            "appendix": {
                "title": _("NHỮNG HẠN CHẾ CỤ THỂ CỦA TỪNG ĐƠN VỊ ĐƯỢC KIỂM TRA"),
                # Empty: the template prints "(Kèm theo Báo cáo số ... ngày ... của ...)".
                "subtitle": "",
                "units": [
                    {
                        "name": i.unit.name,
                        "points": _distinct_texts(own.get(i.pk, []))
                        or [_("Không có hạn chế riêng ngoài những hạn chế chung nêu tại Báo cáo.")],
                    }
                    for i in inspections
                ],
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


def _plan_subject(plan: InspectionPlan) -> str:
    """The plan's subject after "về": "Kế hoạch kiểm tra, đánh giá công tác
    ..." becomes "kiểm tra, đánh giá công tác ..." (no "Kế hoạch ... về kế
    hoạch")."""
    title = plan.title.strip()
    for prefix in ("Kế hoạch ", "kế hoạch "):
        if title.startswith(prefix):
            title = title[len(prefix) :]
    return title[:1].lower() + title[1:]


def _home_affairs(issuer) -> str:
    """The issuer's department or office of home affairs (Sở Nội vụ, Phòng
    Nội vụ), which monitors the tasks a công văn assigns."""
    child = issuer.children.filter(name__icontains="Nội vụ").order_by("path").first()
    return child.short_name or child.name if child else ""


@in_vietnamese
@transaction.atomic
def follow_up_draft(*, plan: InspectionPlan, user: User | None = None) -> OfficialDocument:
    """The công văn to the inspected bodies of a plan (seed 004): the issuer
    in full, the symbol with the drafting unit ("UBND-NC"), the common
    shortcomings and numbered tasks, the home-affairs office monitoring,
    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "Lưu: VT, NC."."""
    existing = documents_of(plan, DocumentKind.FOLLOW_UP_LETTER).order_by("-id").first()
    if existing is not None:
        return existing
    inspections, _left_out = concluded_inspections(plan)
    findings = [f for i in inspections for f in i.findings.all()]
    issuer = plan.issuer
    drafting = issuers.default_drafting_unit(issuer)
    header = issuers.unit_header(issuer, drafting=drafting)
    signatory = issuers.default_signatory(issuer)
    signing = (
        issuers.signatory_authority(signatory)
        if signatory
        else issuers.authority(
            collective=issuers.COMMITTEE if issuers.is_committee(issuer) else "",
            head_title=_("CHỦ TỊCH"),
            position=_("PHÓ CHỦ TỊCH"),
            name="",
        )
    )
    several = len(inspections) != 1
    units_text = (
        _("các cơ quan, đơn vị được kiểm tra") if several else str(inspections[0].unit) if inspections else ""
    )
    team = plan.teams.first()
    basis = plan_reference(plan)
    if team is not None:
        basis += _(" và Quyết định số %(number)s ngày %(date)s về thành lập %(team)s") % {
            "number": team.decision_number,
            "date": decree_date(team.decision_date),
            "team": team.name[:1].lower() + team.name[1:] if team.name.startswith("Đoàn") else team.name,
        }
    tasks = _distinct_texts([f for f in findings if f.kind == FindingKind.RECOMMENDATION])
    home_affairs = _home_affairs(issuer)
    if home_affairs:
        tasks.append(
            _(
                "Giao %(office)s theo dõi, đôn đốc việc thực hiện nhiệm vụ được giao tại văn bản này; "
                "báo cáo kết quả thực hiện với Chủ tịch %(issuer)s."
            )
            % {"office": home_affairs, "issuer": issuer}
        )
    document = OfficialDocument(
        kind=DocumentKind.FOLLOW_UP_LETTER,
        issuing_unit=issuer,
        register_series=header.series,
        parent_body=header.parent_body,
        issuing_body=header.issuing_body,
        type_code="",
        symbol=header.symbol,
        drafting_unit=drafting,
        signatory=signatory,
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
                    "Thực hiện %(basis)s, Đoàn kiểm tra công tác cải cách hành chính đã kiểm tra "
                    "tại %(units)s. Bên cạnh những kết quả đạt được, công tác cải cách hành chính "
                    "%(where)s vẫn còn những tồn tại, hạn chế sau:"
                )
                % {
                    "basis": basis,
                    "units": (_("%(n)s cơ quan, đơn vị") % {"n": f"{len(inspections):02d}"})
                    if several
                    else units_text,
                    "where": _("ở một số cơ quan, đơn vị")
                    if several
                    else _("tại %(unit)s") % {"unit": units_text},
                }
            ],
            "sections": [
                {
                    "title": "",
                    "points": _distinct_texts([f for f in findings if f.kind == FindingKind.SHORTCOMING]),
                    "numbered": False,
                },
                {
                    "title": "",
                    "paragraphs": [
                        _(
                            "Để kịp thời khắc phục những tồn tại, hạn chế nêu trên, %(issuer)s yêu cầu "
                            "Thủ trưởng %(units)s khẩn trương triển khai một số nội dung sau:"
                        )
                        % {"issuer": issuer, "units": units_text}
                    ],
                    "points": tasks,
                },
            ],
            "closing": [_("Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện.")],
        },
        recipients=[_("Như trên")],
        archive_line=issuers.archive_line(drafting.code if drafting else ""),
        created_by=user,
        **signing.as_fields(),
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

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
from cchc.documents import issuers, kinds
from cchc.documents import services as document_services
from cchc.documents.official import format_day_month
from cchc.jobs import job_create, job_progress
from cchc.models import Job, OfficialDocument, Signatory, User

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


def _team_signatory(plan: InspectionPlan, team: InspectionTeam | None):
    """The signatory record (with the signature image) of the team member
    who signs: the same person among the signatories of the plan's issuer
    and the bodies under it."""
    signer = _signer(team)["signer_name"]
    if not signer:
        return None
    return (
        Signatory.objects.filter(full_name=signer, unit__path__startswith=plan.issuer.path)
        .order_by("-valid_from")
        .first()
    )


def _source(obj) -> dict:
    return {"source_type": ContentType.objects.get_for_model(obj), "source_id": obj.pk}


def documents_of(obj, kind: str | None = None):
    queryset = OfficialDocument.objects.filter(
        source_type=ContentType.objects.get_for_model(obj), source_id=obj.pk, parent__isnull=True
    )
    return queryset.filter(kind=kind) if kind else queryset


def notice_intro(inspection: Inspection) -> list[str]:
    """The opening of a conclusion notice when none was typed, as seed 000
    writes it: the plan and the team's founding decision by number and date
    (those issued from the app carry the numbers they were issued with),
    the day, the team's head and the unit."""
    plan, team = inspection.plan, inspection.team
    issuer = _sentence(plan.issuer.name)
    basis = _("Thực hiện %(plan)s của %(issuer)s ban hành %(title)s") % {
        "plan": plan_reference(plan),
        "issuer": issuer,
        "title": plan.title[:1].upper() + plan.title[1:],
    }
    who = _("Đoàn kiểm tra")
    if team is not None:
        basis += _("; Quyết định số %(number)s ngày %(date)s của %(issuer)s về thành lập %(team)s") % {
            "number": team.decision_number,
            "date": decree_date(team.decision_date),
            "issuer": _sentence(team.decision_issuer.name),
            "team": team.name[:1].lower() + team.name[1:],
        }
        head = team.head
        if head is not None:
            who = _("%(team)s do đồng chí %(name)s%(position)s làm Trưởng đoàn") % {
                "team": team.name,
                "name": head.full_name,
                "position": f", {head.position}" if head.position else "",
            }
    return [
        _(
            "%(basis)s; ngày %(date)s, %(who)s đã tiến hành kiểm tra tình "
            "hình thực hiện cải cách hành chính tại %(unit)s."
        )
        % {
            "basis": basis,
            "date": decree_date(inspection.inspected_on),
            "who": who,
            "unit": inspection.unit.name,
        },
        _(
            "Trên cơ sở kết quả làm việc, Đoàn kiểm tra thông báo kết "
            "luận kiểm tra công tác cải cách hành chính "
            "tại %(unit)s như sau:"
        )
        % {"unit": inspection.unit.name},
    ]


@in_vietnamese
def notice_content(inspection: Inspection) -> dict:
    """The three parts of a conclusion notice from the inspection's points."""
    findings = list(inspection.findings.order_by("position", "id"))

    def points(kind):
        return [f.text for f in findings if f.kind == kind]

    unit = inspection.unit.name
    return {
        "intro": _paragraphs(inspection.introduction) or notice_intro(inspection),
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
        **kinds.type_fields(DocumentKind.CONCLUSION_NOTICE),
        issuing_unit=plan.issuer,
        **header.as_fields(),
        signatory=_team_signatory(plan, team),
        place=plan.issuer.place_name or plan.issuer.name,
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
        **kinds.type_fields(DocumentKind.INSPECTION_REPORT),
        issuing_unit=issuer,
        **header.as_fields(),
        signatory=_team_signatory(plan, team),
        place=issuer.place_name or issuer.name,
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
    head_title = (
        _("Chủ tịch")
        if not several and inspections and issuers.is_committee(inspections[0].unit)
        else _("Thủ trưởng")
    )
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
        **kinds.type_fields(DocumentKind.FOLLOW_UP_LETTER),
        issuing_unit=issuer,
        **header.as_fields(),
        drafting_unit=drafting,
        signatory=signatory,
        place=issuer.place_name or issuer.name,
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
                            "%(head)s %(units)s khẩn trương triển khai một số nội dung sau:"
                        )
                        % {"issuer": issuer, "units": units_text, "head": head_title}
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


def _committee_signing(issuer, *, collective: bool) -> tuple[dict, object]:
    """The signing block of a committee's document and its signatory:
    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (``collective``) or
    "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (the chair's own decision)."""
    signatory = issuers.default_signatory(issuer)
    committee = issuers.COMMITTEE if collective and issuers.is_committee(issuer) else ""
    if signatory:
        block = issuers.authority(
            collective=committee,
            head_title=signatory.head_title or signatory.position,
            position=signatory.position,
            name=signatory.full_name,
        )
    else:
        block = issuers.authority(
            collective=committee, head_title=_("CHỦ TỊCH"), position=_("PHÓ CHỦ TỊCH"), name=""
        )
    return block.as_fields(), signatory


def _position_in_text(position: str) -> str:
    """ "PHÓ CHỦ TỊCH" as written in a sentence: "Phó Chủ tịch"."""
    text = position.strip().lower()
    for title in ("chủ tịch", "chánh văn phòng", "trưởng đoàn", "giám đốc"):
        text = text.replace(title, title[:1].upper() + title[1:])
    return text[:1].upper() + text[1:]


def _sentence(name: str) -> str:
    return name[:1].upper() + name[1:]


@in_vietnamese
@transaction.atomic
def plan_document_draft(*, plan: InspectionPlan, user: User | None = None, **_options) -> OfficialDocument:
    """The inspection plan (kế hoạch kiểm tra, KH) of its issuer, with the
    schedule of units and dates as its appendix."""
    existing = documents_of(plan, DocumentKind.INSPECTION_PLAN).order_by("-id").first()
    if existing is not None:
        return existing
    issuer = plan.issuer
    drafting_unit = issuers.default_drafting_unit(issuer)
    header = issuers.unit_header(issuer)
    signing, signatory = _committee_signing(issuer, collective=True)
    inspections = {i.unit_id: i for i in plan.inspections.select_related("unit")}
    planned = list(plan.planned_units.order_by("name")) or [i.unit for i in inspections.values()]
    schedule = []
    for unit in planned:
        inspection = inspections.get(unit.pk)
        when = (
            _("Thời gian kiểm tra: ngày %(date)s.") % {"date": decree_date(inspection.inspected_on)}
            if inspection
            else _("Thời gian kiểm tra: Đoàn kiểm tra thông báo sau.")
        )
        schedule.append({"name": unit.name, "points": [when]})
    subject = _plan_subject(plan)
    document = OfficialDocument(
        **kinds.type_fields(DocumentKind.INSPECTION_PLAN),
        issuing_unit=issuer,
        **header.as_fields(),
        drafting_unit=drafting_unit,
        signatory=signatory,
        place=issuer.place_name or issuer.name,
        summary=_sentence(subject),
        content={
            "sections": [
                {"title": _("I. MỤC ĐÍCH, YÊU CẦU")},
                {
                    "title": _("1. Mục đích"),
                    "level": 2,
                    "paragraphs": [
                        _(
                            "Đánh giá tình hình, kết quả thực hiện nhiệm vụ cải cách hành chính năm %(year)s "
                            "của các cơ quan, đơn vị; kịp thời phát hiện những "
                            "tồn tại, hạn chế để chấn chỉnh, "
                            "khắc phục."
                        )
                        % {"year": plan.year}
                    ],
                },
                {
                    "title": _("2. Yêu cầu"),
                    "level": 2,
                    "paragraphs": [
                        _(
                            "Việc kiểm tra bảo đảm khách quan, đúng trọng tâm, "
                            "không gây phiền hà cho cơ quan, "
                            "đơn vị được kiểm tra; kết luận kiểm tra được thông báo bằng văn bản."
                        )
                    ],
                },
                {"title": _("II. NỘI DUNG, ĐỐI TƯỢNG VÀ THỜI GIAN KIỂM TRA")},
                {
                    "title": _("1. Nội dung kiểm tra"),
                    "level": 2,
                    "paragraphs": [
                        _(
                            "Kiểm tra việc thực hiện các nhiệm vụ cải cách hành "
                            "chính năm %(year)s theo kế hoạch "
                            "cải cách hành chính của cơ quan, đơn vị, trên các "
                            "lĩnh vực: cải cách thể chế, cải cách "
                            "thủ tục hành chính, cải cách tổ chức bộ máy, cải "
                            "cách chế độ công vụ, cải cách tài "
                            "chính công, xây dựng chính quyền điện tử, chính quyền số."
                        )
                        % {"year": plan.year}
                    ],
                },
                {
                    "title": _("2. Đối tượng và thời gian kiểm tra"),
                    "level": 2,
                    "paragraphs": [
                        _("Kiểm tra tại %(n)s cơ quan, đơn vị theo lịch tại Phụ lục kèm theo.")
                        % {"n": f"{len(planned):02d}" if len(planned) < 10 else len(planned)}
                    ],
                },
                {"title": _("III. TỔ CHỨC THỰC HIỆN")},
                {
                    "title": "",
                    "points": [
                        _(
                            "Thành lập Đoàn kiểm tra công tác cải cách hành chính năm %(year)s để thực hiện "
                            "Kế hoạch này."
                        )
                        % {"year": plan.year},
                        _(
                            "Các cơ quan, đơn vị được kiểm tra chuẩn bị báo cáo "
                            "và tài liệu kiểm chứng, bố trí "
                            "thành phần làm việc với Đoàn kiểm tra."
                        ),
                        _(
                            "Đoàn kiểm tra thông báo kết luận kiểm tra và báo "
                            "cáo kết quả kiểm tra về %(issuer)s."
                        )
                        % {"issuer": issuer},
                    ],
                },
            ],
            "appendix": {
                "title": _("LỊCH KIỂM TRA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM %(year)s") % {"year": plan.year},
                "subtitle": "",
                "units": schedule,
            },
        },
        recipients=[_("Các cơ quan, đơn vị được kiểm tra"), _("Các thành viên Đoàn kiểm tra")],
        archive_line=issuers.archive_line(drafting_unit.code if drafting_unit else ""),
        created_by=user,
        **signing,
        **_source(plan),
    )
    document.full_clean()
    document.save()
    document.recipient_units.set(planned)
    return document


@in_vietnamese
@transaction.atomic
def team_decision_draft(*, team: InspectionTeam, user: User | None = None, **_options) -> OfficialDocument:
    """The decision founding an inspection team (quyết định, QĐ): "Căn cứ
    ...", "QUYẾT ĐỊNH:", "Điều 1. ..." to "Điều 3. ...", the members as an
    appendix, "Nơi nhận: - Như Điều 3;"."""
    existing = documents_of(team, DocumentKind.TEAM_DECISION).order_by("-id").first()
    if existing is not None:
        return existing
    plan, issuer = team.plan, team.decision_issuer
    drafting_unit = issuers.default_drafting_unit(issuer)
    header = issuers.unit_header(issuer)
    signing, signatory = _committee_signing(issuer, collective=False)
    members = list(team.members.select_related("organisation").order_by("order", "id"))
    home_affairs = _home_affairs(issuer)
    chair = _("CHỦ TỊCH %(issuer)s") % {"issuer": issuers.body_name(issuer).replace("\n", " ")}
    roles = {TeamRole.HEAD: _("Trưởng đoàn"), TeamRole.DEPUTY: _("Phó Trưởng đoàn")}
    document = OfficialDocument(
        **kinds.type_fields(DocumentKind.TEAM_DECISION),
        issuing_unit=issuer,
        **header.as_fields(),
        drafting_unit=drafting_unit,
        signatory=signatory,
        place=issuer.place_name or issuer.name,
        summary=_("Về việc thành lập %(team)s") % {"team": team.name},
        content={
            "enacting": chair,
            "legal_bases": [
                _("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"),
                _(
                    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15 tháng 7 năm 2021 "
                    "của Chính phủ ban hành Chương trình "
                    "tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;"
                ),
                _("Căn cứ %(plan)s của %(issuer)s;")
                % {"plan": plan_reference(plan), "issuer": plan.issuer.name},
            ]
            + ([_("Theo đề nghị của %(office)s.") % {"office": home_affairs}] if home_affairs else []),
            "decides": _("QUYẾT ĐỊNH:"),
            "sections": [
                {
                    "title": "",
                    "paragraphs": [
                        _(
                            "Điều 1. Thành lập %(team)s (sau đây gọi là Đoàn "
                            "kiểm tra), gồm các thành viên có "
                            "tên tại Phụ lục kèm theo Quyết định này."
                        )
                        % {"team": team.name},
                        _(
                            "Điều 2. Đoàn kiểm tra có nhiệm vụ kiểm tra công "
                            "tác cải cách hành chính tại các cơ "
                            "quan, đơn vị theo %(plan)s; thông báo kết luận kiểm tra và báo cáo kết quả về "
                            "%(issuer)s. Đoàn kiểm tra tự giải thể sau khi hoàn thành nhiệm vụ."
                        )
                        % {"plan": plan_reference(plan), "issuer": plan.issuer},
                        _(
                            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. "
                            "Chánh Văn phòng, Thủ trưởng các "
                            "cơ quan, đơn vị có liên quan và các ông, bà có tên "
                            "tại Điều 1 chịu trách nhiệm thi "
                            "hành Quyết định này."
                        ),
                    ],
                }
            ],
            "appendix": {
                "title": _("DANH SÁCH THÀNH VIÊN %(team)s") % {"team": team.name.upper()},
                "subtitle": "",
                "units": [
                    {
                        "name": member.full_name,
                        "points": [
                            ", ".join(
                                p
                                for p in (
                                    member.position,
                                    str(member.organisation or ""),
                                    roles.get(member.role, _("Thành viên")),
                                )
                                if p
                            )
                            + "."
                        ],
                    }
                    for member in members
                ],
            },
        },
        recipients=[_("Như Điều 3")],
        archive_line=issuers.archive_line(drafting_unit.code if drafting_unit else ""),
        created_by=user,
        **signing,
        **_source(team),
    )
    document.full_clean()
    document.save()
    return document


def _office(issuer):
    """The office of a committee (Văn phòng UBND, Văn phòng HĐND và UBND),
    which issues the notice of a conference's conclusions."""
    return issuer.children.filter(name__istartswith="Văn phòng").order_by("path").first()


@in_vietnamese
@transaction.atomic
def conference_draft(*, plan: InspectionPlan, user: User | None = None, **_options) -> OfficialDocument:
    """The notice of the conclusions of the year's reform review conference
    (seed 002): issued by the committee's office ("TB-VP"), "KT. CHÁNH VĂN
    PHÒNG / PHÓ CHÁNH VĂN PHÒNG", the shortcomings then the tasks assigned."""
    existing = documents_of(plan, DocumentKind.CONFERENCE_NOTICE).order_by("-id").first()
    if existing is not None:
        return existing
    issuer = plan.issuer
    office = _office(issuer) or issuer
    office_drafting = issuers.default_drafting_unit(office)
    header = issuers.unit_header(office)
    signatory = issuers.default_signatory(office)
    if signatory:
        block = issuers.authority(
            head_title=signatory.head_title or signatory.position,
            position=signatory.position,
            name=signatory.full_name,
        )
    else:
        block = issuers.authority(head_title=_("CHÁNH VĂN PHÒNG"), position=_("PHÓ CHÁNH VĂN PHÒNG"), name="")
    chair = issuers.default_signatory(issuer)
    chair_text = (
        _("%(position)s %(issuer)s %(name)s")
        % {"position": _position_in_text(chair.position), "issuer": issuer, "name": chair.full_name}
        if chair
        else _("Lãnh đạo %(issuer)s") % {"issuer": issuer}
    )
    inspections, _left_out = concluded_inspections(plan)
    findings = [f for i in inspections for f in i.findings.all()]
    document = OfficialDocument(
        **kinds.type_fields(DocumentKind.CONFERENCE_NOTICE),
        issuing_unit=office,
        **header.as_fields(),
        signatory=signatory,
        place=office.place_name or issuer.place_name or issuer.name,
        summary=_(
            "Ý kiến kết luận của %(chair)s tại Hội nghị tổng kết công tác cải cách hành chính năm %(year)s"
        )
        % {"chair": chair_text, "year": plan.year},
        content={
            "intro": [
                _(
                    "%(issuer)s tổ chức Hội nghị tổng kết công tác cải cách hành chính năm %(year)s. Sau khi "
                    "nghe báo cáo kết quả thực hiện công tác cải cách hành chính và kết quả kiểm tra theo "
                    "%(plan)s, ý kiến thảo luận của các cơ quan, đơn vị, "
                    "%(chair)s có ý kiến kết luận như sau:"
                )
                % {
                    "issuer": _sentence(issuer.name),
                    "year": plan.year,
                    "plan": plan_reference(plan),
                    "chair": chair_text,
                },
                _("Bên cạnh những kết quả đạt được, vẫn còn tồn tại, hạn chế như:"),
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
                            "Để khắc phục những tồn tại, hạn chế nêu trên, các "
                            "cơ quan, đơn vị tập trung thực "
                            "hiện một số nhiệm vụ trọng tâm sau:"
                        )
                    ],
                    "points": _distinct_texts([f for f in findings if f.kind == FindingKind.RECOMMENDATION]),
                },
            ],
            "closing": [
                _(
                    "%(office)s thông báo ý kiến kết luận của %(chair)s đến các cơ quan, đơn vị có liên quan "
                    "biết, để thực hiện."
                )
                % {"office": _sentence(office.name), "chair": chair_text}
            ],
        },
        recipients=[_("Các cơ quan, đơn vị được kiểm tra"), _("Các thành viên Đoàn kiểm tra")],
        archive_line=issuers.archive_line(office_drafting.code if office_drafting else ""),
        created_by=user,
        **block.as_fields(),
        **_source(plan),
    )
    document.full_clean()
    document.save()
    document.recipient_units.set([i.unit for i in inspections])
    return document

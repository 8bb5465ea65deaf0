"""Official documents in the format of Nghị định 30/2020/NĐ-CP, Phụ lục I.

An :class:`~cchc.models.OfficialDocument` is turned into a plain view-model
(:class:`DocumentView`, dataclasses and strings only) that holds every text
of the page as it will be printed: the header, the number and the date line,
the type and summary, the body, the signing block and the recipients. Tests
check the content there, without a PDF; the templates under
``templates/official/`` only lay it out (``official/official.css``), and
:mod:`cchc.documents.pdf` turns that HTML into the PDF.

The fixed words of the format ("Số:", "Nơi nhận:", "CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM", ...) are not translated: a Vietnamese official document is
the same whatever language the person who renders it reads the site in.

The ``content`` JSON of a document (every key optional)::

    {
      "legal_bases": ["Căn cứ ...;"],          # italic, one a line
      "intro": ["paragraph", ...],
      "sections": [{"title": "I. ...", "paragraphs": [...], "points": [...],
                    "numbered": true}],          # points "1. ..." or "- ..."
      "closing": ["paragraph", ...],
      "appendix": {"title": "...", "subtitle": "(Kèm theo ...)",
                   "units": [{"name": "...", "points": [...]}],
                   "closing": [...]}
    }
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from ..choices import DocumentKind, DocumentStatus
from ..models import OfficialDocument

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_LABEL = "DỰ THẢO"
APPENDIX_HEADING = "PHỤ LỤC"
RECIPIENTS_HEADING = "Nơi nhận:"
ADDRESSEE_HEADING = "Kính gửi:"
# Blanks left for the number and the date of a draft, filled in by hand or by
# the records office at issue.
NUMBER_BLANK = " " * 6
DATE_BLANK = " " * 5
END_MARK = "./."
ARTICLE = re.compile(r"^Điều \d+\.\s*")
# The layout of every official document (a static path).
STYLESHEET = "official/official.css"

# Type names of Phụ lục III by type code, used when a document has a code
# but no type name of its own.
TYPE_NAMES = {
    "TB": "THÔNG BÁO",
    "BC": "BÁO CÁO",
    "KH": "KẾ HOẠCH",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "TTr": "TỜ TRÌNH",
    "BB": "BIÊN BẢN",
    "KL": "KẾT LUẬN",
}


def clean(text) -> str:
    """User text as printed: NFC (so "ệ" is one letter whatever the
    keyboard sent) and without surrounding blanks."""
    return unicodedata.normalize("NFC", str(text or "")).strip()


def upper(text) -> str:
    """Capitals, as the format wants for bodies, types and positions."""
    return clean(text).upper()


def texts(values) -> list[str]:
    """A list of non-empty cleaned strings from a JSON value (a string is
    taken as one item)."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return []
    return [t for t in (clean(v) for v in values) if t]


def format_day_month(date: datetime.date) -> tuple[str, str]:
    """Day and month as written in the date line: a leading zero for days
    below 10 and for months 1 and 2 only ("tháng 01", "tháng 3")."""
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return day, month


def format_long_date(date: datetime.date) -> str:
    """ "ngày 08 tháng 11 năm 2019"."""
    day, month = format_day_month(date)
    return f"ngày {day} tháng {month} năm {date.year}"


def place_date_line(place: str, date: datetime.date | None, *, year: int | None = None) -> str:
    """ "Quảng Nam, ngày 08 tháng 11 năm 2019"; with no date (a draft),
    blanks for the day and month: "Quảng Nam, ngày     tháng     năm 2019"."""
    place = clean(place)
    if date is None:
        year = year or timezone.localdate().year
        return f"{place}, ngày{DATE_BLANK}tháng{DATE_BLANK}năm {year}"
    return f"{place}, {format_long_date(date)}"


def with_end_mark(text: str) -> str:
    """The last paragraph of a document ends with "./."."""
    text = text.rstrip()
    if text.endswith(END_MARK):
        return text
    return text.rstrip(".;:,") + END_MARK


@dataclass(frozen=True)
class Point:
    """One point of a section: its marker ("1.", "-") and its text."""

    marker: str
    text: str


@dataclass(frozen=True)
class Section:
    """A part of the body: "I. Những kết quả đạt được", its lead-in
    paragraphs, then its points."""

    title: str
    paragraphs: list[str]
    points: list[Point]
    # 1 for "I. ...", 2 for "1. ..." under it; centred paragraphs such as
    # "(Có phụ lục kèm theo)".
    level: int = 1
    centred: bool = False


@dataclass(frozen=True)
class SigningBlock:
    """Bottom right: the authority line(s) with the signing prefix
    ("KT. TRƯỞNG ĐOÀN"), the signer's position ("PHÓ TRƯỞNG ĐOÀN"), the
    space for the signature, the name."""

    titles: list[str]
    name: str


@dataclass(frozen=True)
class Recipients:
    """Bottom left: "Nơi nhận:" then "- ...;" lines, the last the archive
    line ("- Lưu: VT, KSTTHC.")."""

    heading: str
    lines: list[str]


@dataclass(frozen=True)
class Verification:
    """The short code and QR code printed on issued documents, leading to
    the public verification page."""

    code: str
    url: str
    qr_data_uri: str


@dataclass(frozen=True)
class AppendixUnit:
    """One inspected unit in a per-unit appendix."""

    number: int
    name: str
    points: list[Point]


@dataclass(frozen=True)
class AppendixView:
    """A per-unit appendix: "PHỤ LỤC", its title in capitals, the line
    that ties it to its document ("(Kèm theo Báo cáo số ...)"), the units
    and their points. It numbers its pages on its own."""

    heading: str
    title: str
    subtitle: str
    units: list[AppendixUnit]
    closing: list[str]


@dataclass(frozen=True)
class DocumentView:
    """Everything printed on an official document, in print order."""

    kind: str
    is_draft: bool
    # Header: left column.
    parent_body: str
    issuing_body: str
    number_line: str
    subject_line: str  # "V/v ..." of a công văn, under the number
    # Header: right column.
    nation: str
    motto: str
    place_date: str
    # Type and summary (not on a công văn).
    type_name: str
    summary: str
    addressees: list[str]
    # Body.
    legal_bases: list[str]
    intro: list[str]
    sections: list[Section]
    closing: list[str]
    # Sign-off.
    signing: SigningBlock
    recipients: Recipients
    verification: Verification | None
    appendix: AppendixView | None
    title: str
    draft_label: str = DRAFT_LABEL
    # A decision: the authority that decides, under the summary, and
    # "QUYẾT ĐỊNH:" before its articles.
    enacting: str = ""
    decides: str = ""
    # Tables printed after the sign-off, each an appendix of its own
    # (``content["tables"]``: heading, title, subtitle, columns, rows), e.g.
    # the published PAR index's appendix per block of units.
    tables: tuple = ()

    @property
    def articles(self) -> list[tuple[str, str]]:
        """The paragraphs of a decision as (label, text): ("Điều 1. ", "...")."""
        result = []
        for section in self.sections:
            for paragraph in section.paragraphs:
                match = ARTICLE.match(paragraph)
                result.append((match.group(0), paragraph[match.end() :]) if match else ("", paragraph))
        return result

    @property
    def summary_parts(self) -> tuple[str, str]:
        return no_lone_word(self.summary)

    @property
    def subject_parts(self) -> tuple[str, str]:
        return no_lone_word(self.subject_line)

    addressee_heading: str = ADDRESSEE_HEADING


LETTERS = "abcdđeghiklmnopqrstuvxy"


def _points(values, *, numbered) -> list[Point]:
    items = texts(values)
    if numbered == "letters":
        return [Point(f"{LETTERS[index % len(LETTERS)]})", text) for index, text in enumerate(items)]
    if numbered:
        return [Point(f"{index}.", text) for index, text in enumerate(items, start=1)]
    return [Point("-", text) for text in items]


def _sections(content: dict) -> list[Section]:
    sections = []
    for raw in content.get("sections") or []:
        if not isinstance(raw, dict):
            continue
        sections.append(
            Section(
                title=clean(raw.get("title")),
                paragraphs=texts(raw.get("paragraphs")),
                points=_points(
                    raw.get("points"),
                    numbered=raw.get("numbered")
                    if raw.get("numbered") == "letters"
                    else raw.get("numbered", True) is not False,
                ),
                level=2 if raw.get("level") == 2 else 1,
                centred=bool(raw.get("centred")),
            )
        )
    return sections


def _mark_end(intro: list[str], sections: list[Section], closing: list[str]):
    """Put the end mark "./." on the last paragraph of the body, wherever it
    is (the closing, or else the last point or paragraph of the last section,
    or else the introduction)."""
    if closing:
        return intro, sections, [*closing[:-1], with_end_mark(closing[-1])]
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section.points:
            last = section.points[-1]
            points = [*section.points[:-1], Point(last.marker, with_end_mark(last.text))]
            marked = Section(section.title, section.paragraphs, points, section.level, section.centred)
        elif section.paragraphs:
            marked = Section(
                section.title,
                [*section.paragraphs[:-1], with_end_mark(section.paragraphs[-1])],
                [],
                section.level,
                section.centred,
            )
        else:
            continue
        return intro, [*sections[:index], marked, *sections[index + 1 :]], closing
    if intro:
        return [*intro[:-1], with_end_mark(intro[-1])], sections, closing
    return intro, sections, closing


def no_lone_word(text: str) -> tuple[str, str]:
    """A line that may wrap (a summary, a "V/v" line) as (head, last two
    words): the template keeps the last two words on one line, so its last
    line never holds one word alone."""
    words = clean(text).split(" ")
    if len(words) < 3:
        return "", " ".join(words)
    return " ".join(words[:-2]), " ".join(words[-2:])


def _code(document: OfficialDocument) -> str:
    return f"{document.type_code}-{document.symbol}" if document.type_code else document.symbol


def number_line(document: OfficialDocument) -> str:
    """ "Số: 146/TB-ĐKT"; a draft leaves the number blank: "Số:      /TB-ĐKT"."""
    if document.number and document.status != DocumentStatus.DRAFT:
        return f"Số: {document.number_symbol}"
    return f"Số:{NUMBER_BLANK}/{_code(document)}"


def _date_line(document: OfficialDocument) -> str:
    if document.status == DocumentStatus.DRAFT or document.issued_on is None:
        year = document.issued_on.year if document.issued_on else document.year
        return place_date_line(document.place, None, year=year)
    return place_date_line(document.place, document.issued_on)


def _subject_line(document: OfficialDocument) -> str:
    summary = clean(document.summary)
    if document.type_code:
        return ""
    return summary if summary.lower().startswith("v/v") else f"V/v {summary}"


def _addressees(value: str) -> list[str]:
    """ "Kính gửi" recipients: one, or several separated by ";" or lines;
    each "- ...;" when several, the last ending with "."."""
    parts = [
        p.strip().lstrip("-–").strip().rstrip(";.,").strip() for p in value.replace("\n", ";").split(";")
    ]
    parts = [clean(p) for p in parts if p]
    if len(parts) <= 1:
        return parts
    return [f"- {p};" for p in parts[:-1]] + [f"- {parts[-1]}."]


def _signing(document: OfficialDocument) -> SigningBlock:
    prefix = clean(document.signer_prefix)
    if prefix and not prefix.endswith("."):
        prefix += "."
    authority = [upper(line) for line in clean(document.signer_authority).splitlines() if line.strip()]
    titles = []
    if authority:
        titles.append(f"{prefix} {authority[0]}".strip())
        titles.extend(authority[1:])
    elif prefix:
        titles.append(prefix)
    position = upper(document.signer_position)
    if position:
        titles.append(position)
    return SigningBlock(titles=titles, name=clean(document.signer_name))


def _recipients(document: OfficialDocument) -> Recipients:
    lines = [f"- {t.lstrip('-–').strip().rstrip(';.,').strip()};" for t in texts(document.recipients)]
    archive = clean(document.archive_line).lstrip("-–").strip()
    if archive:
        lines.append(f"- {archive.rstrip(';.,')}.")
    elif lines:
        lines[-1] = lines[-1][:-1] + "."
    return Recipients(heading=RECIPIENTS_HEADING, lines=lines)


def verification_url(document: OfficialDocument) -> str:
    """The public address of the document's verification page."""
    return f"{settings.CCHC_PUBLIC_URL}/verify/{document.verification_code}/"


def _verification(document: OfficialDocument) -> Verification | None:
    # A draft has nothing to verify yet.
    if document.status == DocumentStatus.DRAFT:
        return None
    import segno

    url = verification_url(document)
    qr = segno.make(url, error="m")
    return Verification(
        code=document.verification_code,
        url=url,
        qr_data_uri=qr.svg_data_uri(border=0, dark="#000", light=None),
    )


def _type_name(document: OfficialDocument) -> str:
    if not document.type_code:
        return ""
    return upper(document.type_name) or TYPE_NAMES.get(document.type_code, "")


def _appendix_reference(document: OfficialDocument) -> str:
    """ "(Kèm theo Báo cáo số 02/BC-ĐKT ngày 05 tháng 7 năm 2023)" for an
    issued document; empty before issue."""
    main = document.parent if document.parent_id else document
    if main is None or main.status == DocumentStatus.DRAFT or not main.number or not main.issued_on:
        return ""
    name = _type_name(main).capitalize() or "Văn bản"
    if main.register_series.startswith("unit:"):
        issuer = clean(main.issuing_unit.name)
    else:
        # A team's name, printed in capitals: written back as a sentence.
        issuer = " ".join(clean(main.issuing_body).split())
        issuer = issuer[:1] + issuer[1:].lower() if issuer else ""
    by = f" của {issuer}" if issuer else ""
    return f"(Kèm theo {name} số {main.number_symbol} {format_long_date(main.issued_on)}{by})"


def appendix_view(document: OfficialDocument) -> AppendixView | None:
    """The per-unit appendix in ``content["appendix"]``, or None. The
    subtitle is the one written in the content, or else the reference to
    the issued document it goes with."""
    raw = (document.content or {}).get("appendix")
    if not isinstance(raw, dict):
        return None
    units = []
    for index, unit in enumerate((u for u in raw.get("units") or [] if isinstance(u, dict)), start=1):
        units.append(
            AppendixUnit(
                number=index, name=clean(unit.get("name")), points=_points(unit.get("points"), numbered=False)
            )
        )
    title = upper(raw.get("title")) or upper(document.summary)
    return AppendixView(
        heading=APPENDIX_HEADING,
        title=title,
        subtitle=clean(raw.get("subtitle")) or _appendix_reference(document),
        units=units,
        closing=texts(raw.get("closing")),
    )


def document_view(document: OfficialDocument) -> DocumentView:
    """The view-model of ``document``, as it will be printed."""
    content = document.content if isinstance(document.content, dict) else {}
    intro, sections, closing = _mark_end(
        texts(content.get("intro")), _sections(content), texts(content.get("closing"))
    )
    type_name = _type_name(document)
    subject = _subject_line(document)
    number = number_line(document)
    summary = "" if subject else clean(document.summary)
    title = " ".join(t for t in (type_name, number.removeprefix("Số:").strip(), subject or summary) if t)
    return DocumentView(
        kind=document.kind,
        is_draft=document.status == DocumentStatus.DRAFT,
        parent_body=upper(document.parent_body),
        issuing_body=upper(document.issuing_body),
        number_line=number,
        subject_line=subject,
        nation=NATION,
        motto=MOTTO,
        place_date=_date_line(document),
        type_name=type_name,
        summary=summary,
        addressees=_addressees(document.addressee or ""),
        legal_bases=texts(content.get("legal_bases")),
        intro=intro,
        sections=sections,
        closing=closing,
        signing=_signing(document),
        recipients=_recipients(document),
        verification=_verification(document),
        appendix=appendix_view(document),
        title=title,
        enacting=upper(content.get("enacting")),
        decides=clean(content.get("decides")),
        tables=tuple(table for table in content.get("tables") or [] if isinstance(table, dict)),
    )


def _template(kind: str) -> str:
    from .kinds import get

    declared = get(kind)
    return declared.template_name if declared else "official/base.html"


def document_html(document: OfficialDocument, *, for_pdf: bool = False) -> str:
    """The HTML of ``document`` in the official layout (every text from
    users escaped by the templates' autoescape). It links
    :data:`STYLESHEET`, except ``for_pdf``: the renderer applies its parsed
    copy instead."""
    if document.kind == DocumentKind.REPORT_APPENDIX:
        return appendix_html(document, for_pdf=for_pdf)
    view = document_view(document)
    context = {"view": view, "for_pdf": for_pdf}
    return render_to_string(_template(document.kind), context)


def appendix_html(document: OfficialDocument, *, for_pdf: bool = False) -> str:
    """The HTML of a per-unit appendix as a document of its own (no header
    or signing block: the organisation signs it digitally at the top right
    of its first page)."""
    view = document_view(document)
    context = {"view": view, "for_pdf": for_pdf}
    return render_to_string("official/report_appendix.html", context)


def document_pdf(document: OfficialDocument) -> bytes:
    """The PDF of ``document``."""
    from .pdf import render_pdf

    return render_pdf(document_html(document, for_pdf=True), stylesheets=[STYLESHEET])

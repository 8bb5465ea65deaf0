"""Every document of the inspection cycle, issued from the demo data with
the seeds' dates, rendered by WeasyPrint, signed on the server with pyHanko
and read back with poppler (pdftotext, pdffonts, pdfsig): the plan (KH),
the team's founding decision (QĐ), the conclusion notice (seed 000), the
conference conclusions (seed 002), the report with its appendix (seed
003), the công văn (seed 004). Each seed is compared point by point with
its demo counterpart (the seeds' text is copied in ``seeds/``).

The whole cycle is made once for the module (loading the demo province,
issuing, rendering and signing take seconds), inside the first test's
transaction, which is rolled back; the PDFs stay on disk."""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import kinds, official, services, signing
from cchc.models import OfficialDocument
from inspections.models import InspectionPlan

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent / "seeds"
PASSWORD = "mật-khẩu-thử"
D = datetime.date


def poppler(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


def flat(text: str) -> str:
    """Text with its blanks collapsed (pdftotext breaks lines anywhere)."""
    return " ".join(text.replace("\u00a0", " ").split())


def without_page_numbers(layout: str) -> str:
    """The layout text flattened, without the page numbers at the top."""
    return flat(
        "\n".join(line for line in layout.replace("\f", "\n").splitlines() if not line.strip().isdigit())
    )


def seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8").replace("**", "")


@dataclass
class Issued:
    """One issued, rendered and signed document, read back."""

    kind: str
    status: str
    number_symbol: str
    view: official.DocumentView
    signed: Path
    appendix_view: official.DocumentView | None = None
    appendix_signed: Path | None = None

    @property
    def text(self) -> str:
        return flat(poppler("pdftotext", str(self.signed), "-"))

    @property
    def layout(self) -> str:
        return poppler("pdftotext", "-layout", str(self.signed), "-")


@dataclass
class Cycle:
    documents: dict[str, Issued] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


def _sign_all(document: OfficialDocument, folder: Path, name: str) -> Issued:
    services.document_render(document_id=document.pk)
    services.document_sign_on_server(document_id=document.pk)
    document.refresh_from_db()
    path = folder / f"{name}.pdf"
    with document.signed_file.open("rb") as handle:
        path.write_bytes(handle.read())
    issued = Issued(
        document.kind, document.status, document.number_symbol, official.document_view(document), path
    )
    for appendix in document.appendices.all():
        services.document_render(document_id=appendix.pk)
        services.document_sign_on_server(document_id=appendix.pk)
        appendix.refresh_from_db()
        appendix_path = folder / f"{name}-appendix.pdf"
        with appendix.signed_file.open("rb") as handle:
            appendix_path.write_bytes(handle.read())
        issued.appendix_view = official.document_view(appendix)
        issued.appendix_signed = appendix_path
    return issued


def _build(folder: Path) -> Cycle:
    cycle = Cycle()
    call_command("load_catalogues", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("create_demo_certificate", verbosity=0)
    quang_nam = InspectionPlan.objects.get(number="2005/KH-UBND")
    huong_son = InspectionPlan.objects.get(number="54/KH-UBND")
    steps = [
        # (name, slug, source, issue date, options): the seeds' dates. The
        # source is read when its turn comes, as a request would.
        ("notice", "notice", lambda: quang_nam.inspections.get(), D(2019, 11, 8), {}),
        ("plan", "plan", lambda: quang_nam, D(2019, 4, 16), {}),
        (
            "decision",
            "decision",
            lambda: InspectionPlan.objects.get(pk=quang_nam.pk).teams.get(),
            D(2019, 5, 16),
            {},
        ),
        ("conference", "conference", lambda: quang_nam, D(2019, 12, 2), {}),
        ("report", "report", lambda: huong_son, D(2023, 7, 5), {"deadline": D(2023, 8, 30)}),
        ("letter", "letter", lambda: InspectionPlan.objects.get(pk=quang_nam.pk), D(2019, 12, 2), {}),
    ]
    for name, slug, source, day, options in steps:
        draft = kinds.by_slug(slug).draft(source(), user=None, **options)
        if name == "notice":
            # A draft is never signed.
            try:
                services.document_pdf_sign(document=draft, pdf=official.document_pdf(draft))
            except signing.SigningError as error:
                cycle.refusals["draft"] = str(error)
            # A unit that ended (30/6/2025) cannot issue today.
            try:
                services.document_number(document=draft, issued_on=datetime.date.today())
            except ValidationError as error:
                cycle.refusals["ended"] = " ".join(error.messages)
        if name == "report":
            cycle.left_out = list(draft.content.get("left_out", []))
        services.document_number(document=draft, issued_on=day)
        draft.refresh_from_db()
        cycle.documents[name] = _sign_all(draft, folder, name)
    # A certificate of another body is refused: only Quảng Nam's is configured.
    with override_settings(CCHC_SIGNING_P12_DIR=str(folder / "none")):
        report = OfficialDocument.objects.get(kind=DocumentKind.INSPECTION_REPORT)
        try:
            services.document_pdf_sign(document=report, pdf=b"%PDF-1.7")
        except signing.SigningError as error:
            cycle.refusals["certificate"] = str(error)
    return cycle


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycle")
    made: list[Cycle] = []

    def get() -> Cycle:
        if not made:
            with override_settings(
                MEDIA_ROOT=folder / "media",
                CCHC_SIGNING_P12=folder / "signing" / "demo-signer.p12",
                CCHC_SIGNING_P12_DIR=str(folder / "signing" / "bodies"),
                CCHC_SIGNING_P12_PASSWORD=PASSWORD,
                CCHC_TRUSTED_ROOTS=[folder / "signing" / "demo-root.pem"],
            ):
                made.append(_build(folder))
        return made[0]

    return get


def in_order(text: str, *parts: str) -> None:
    """Each part is in ``text``, after the one before it."""
    position = 0
    for part in parts:
        found = text.find(flat(part), position)
        assert found >= 0, f"{part!r} not found after position {position}"
        position = found + len(flat(part))


KINDS = ["plan", "decision", "notice", "conference", "report", "letter"]


# --- every kind, read back ------------------------------------------------------


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_prints_its_header_number_date_type_body_recipients_and_signing_block(cycle, name):
    issued = cycle().documents[name]
    view, text = issued.view, issued.text
    assert issued.number_symbol and view.number_line == f"Số: {issued.number_symbol}"
    # The left column of the header, then the right one (pdftotext reads
    # them one after the other), then the type and summary.
    in_order(
        text,
        *([view.parent_body] if view.parent_body else []),
        view.issuing_body.replace("\n", " "),
        view.number_line,
        *([view.subject_line] if view.subject_line else []),
    )
    for printed in (view.nation, view.motto, view.place_date):
        assert flat(printed) in text
    if view.type_name:
        in_order(text, view.number_line, view.type_name, view.summary)
    for section in view.sections:
        if section.title:
            assert flat(section.title) in text
        for point in section.points:
            # The layout text keeps a dash at the end of a line ("Bưu điện -").
            assert flat(f"{point.marker} {point.text}") in without_page_numbers(issued.layout)
    assert "./." in text
    in_order(text, "Nơi nhận:", *view.recipients.lines)
    in_order(text, *view.signing.titles)
    assert view.signing.name and flat(view.signing.name) in text
    assert view.recipients.lines[-1].startswith("- Lưu: VT")


@pytest.mark.parametrize("name", KINDS)
def test_each_signed_pdf_has_embedded_fonts_and_a_valid_signature_over_the_whole_file(cycle, name):
    issued = cycle().documents[name]
    files = [issued.signed, *([issued.appendix_signed] if issued.appendix_signed else [])]
    for path in files:
        fonts = poppler("pdffonts", str(path)).splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts if line.strip()), fonts
        report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in report
        assert "Total document signed" in report


@pytest.mark.parametrize("name", ["plan", "decision", "notice", "conference", "report", "letter"])
def test_the_visible_signature_names_the_organisation_of_the_certificate_and_an_iso_time(cycle, name):
    text = cycle().documents[name].text
    assert "Ký bởi" not in text
    assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", text)


def test_headers_write_the_issuer_in_full_and_the_line_above_only_for_a_body_under_another(cycle):
    documents = cycle().documents
    letter, plan, decision = documents["letter"].view, documents["plan"].view, documents["decision"].view
    for view in (letter, plan, decision):
        # A people's committee: its name in full, no line above it.
        assert view.issuing_body == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM"
        assert view.parent_body == ""
    # A team and an office: the committee above them.
    assert documents["notice"].view.parent_body == "UBND TỈNH QUẢNG NAM"
    assert documents["report"].view.parent_body == "UBND HUYỆN HƯƠNG SƠN"
    assert documents["conference"].view.parent_body == "UBND TỈNH QUẢNG NAM"
    assert documents["conference"].view.issuing_body == "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"


def test_the_decision_has_its_bases_articles_and_members_appendix(cycle):
    issued = cycle().documents["decision"]
    view, text = issued.view, issued.text
    assert view.type_name == "QUYẾT ĐỊNH"
    in_order(
        text,
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
        "Căn cứ Luật Tổ chức chính quyền địa phương",
        "Căn cứ Kế hoạch số 01/KH-UBND ngày 16/4/2019",  # the plan issued from the app
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT, NC.",
    )
    assert view.signing.titles == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    in_order(text, "PHỤ LỤC", "DANH SÁCH THÀNH VIÊN", "Lê Ngọc Quảng", "Trưởng đoàn")


def test_the_plan_has_its_parts_and_the_schedule_as_its_appendix(cycle):
    issued = cycle().documents["plan"]
    assert issued.view.type_name == "KẾ HOẠCH"
    in_order(
        issued.text,
        "Số: 01/KH-UBND",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NỘI DUNG, ĐỐI TƯỢNG VÀ THỜI GIAN KIỂM TRA",
        "III. TỔ CHỨC THỰC HIỆN",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "PHỤ LỤC",
        "LỊCH KIỂM TRA",
        "Ủy ban nhân dân huyện Duy Xuyên",
        "ngày 15/10/2019",
    )


# --- the rules of issuing and signing ---------------------------------------------


def test_a_signed_appendix_shows_the_main_documents_number_at_the_top_right_of_page_1(cycle):
    issued = cycle().documents["report"]
    first_page = poppler("pdftotext", "-layout", "-f", "1", "-l", "1", str(issued.appendix_signed), "-")
    top = [line for line in first_page.splitlines() if line.strip()][:2]
    assert top[0].strip() == issued.number_symbol == "01/BC-ĐKT"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", top[1].strip())
    # At the right: the line starts far from the left margin.
    assert len(top[0]) - len(top[0].lstrip()) > 40


def test_a_draft_cannot_be_signed_an_ended_unit_cannot_issue_a_wrong_certificate_is_refused(cycle):
    refusals = cycle().refusals
    assert "dự thảo" in refusals["draft"]
    assert "đã kết thúc hoạt động từ ngày 30/06/2025" in refusals["ended"]
    assert "không phải của cơ quan ban hành UBND huyện Hương Sơn" in refusals["certificate"]


# --- each seed and its demo counterpart, point by point ---------------------------------


def _symbol(text: str) -> str:
    return re.search(r"Số:\s*\d*\s*/\s*(\S+)", text).group(1)


def _roman_titles(text: str) -> list[str]:
    return re.findall(r"^\s*#*\s*((?:I|II|III|IV)\. .+?)\s*$", text, flags=re.M)


def test_seed_000_the_conclusion_notice(cycle):
    text = seed("000")
    issued = cycle().documents["notice"]
    ours = issued.layout
    # The same number symbol (the team's own series), date and type.
    assert _symbol(text) == _symbol(ours) == "TB-ĐKT"
    assert "Quảng Nam, ngày 08 tháng 11 năm 2019" in text and "Quảng Nam, ngày 08 tháng 11 năm 2019" in ours
    assert issued.view.type_name == "THÔNG BÁO" and "THÔNG BÁO" in text
    assert flat(text).count("Kết luận kiểm tra công tác cải cách hành chính") >= 1
    assert issued.view.summary.startswith("Kết luận kiểm tra công tác cải cách hành chính tại")
    # The opening cites the plan and the decision by number and date.
    for citation in ("Kế hoạch số 2005/KH-UBND ngày 16/4/2019", "Quyết định số 1443/QĐ-UBND ngày 16/5/2019"):
        assert citation in flat(text) and citation in issued.text
    # The same three parts, in the same words, with as many points.
    assert _roman_titles(text) == [s.title for s in issued.view.sections]
    seed_points = [
        len(re.findall(r"^\d+\. ", part, flags=re.M))
        for part in re.split(r"^.*?(?:II|III)\. ", text, flags=re.M)
    ]
    assert [len(s.points) for s in issued.view.sections] == seed_points[-3:] == [5, 5, 6]
    assert text.rstrip().count("./.") == 1 and issued.text.count("./.") == 1
    # Nơi nhận ends with the archive line of the records office; signed by the head.
    assert re.search(r"- Lưu: VT, \S+", text) and issued.view.recipients.lines[-1] == "- Lưu: VT, ĐKT."
    assert "Lê Ngọc Quảng" in text and issued.view.signing.name == "Lê Ngọc Quảng"


def test_seed_002_the_conference_conclusions(cycle):
    text = flat(seed("002"))
    issued = cycle().documents["conference"]
    view, ours = issued.view, issued.text
    # Issued by the committee's office in its own series: "TB-VP".
    assert _symbol(text) == _symbol(ours) == "TB-VP"
    assert view.type_name == "THÔNG BÁO" and "THÔNG BÁO" in text
    # "Ý kiến kết luận của <chair> tại Hội nghị Tổng kết công tác Cải cách hành chính năm <y>".
    pattern = (
        r"Ý kiến kết luận của Phó Chủ tịch UBND \S+ \S+( \S+)? [^\s]+ .*?"
        r"tại Hội nghị [Tt]ổng kết công tác [Cc]ải cách hành chính năm \d{4}"
    )
    assert re.search(pattern, text) and re.search(pattern, view.summary)
    # The shortcomings as dashes, then a lead-in, then the numbered tasks.
    seed_tasks = re.findall(r"\s([1-9])\. [A-ZĐÂ]", text)
    assert seed_tasks[:3] == ["1", "2", "3"]
    dashes, tasks = view.sections
    assert {p.marker for p in dashes.points} == {"-"} and text.count(" - ") >= 4
    assert [p.marker for p in tasks.points][:3] == ["1.", "2.", "3."]
    # The closing: the office passes the conclusions on, "để thực hiện./.".
    assert re.search(r"Văn phòng .+ thông báo ý kiến kết luận của .+ để thực hiện\./\.", text)
    assert re.search(r"Văn phòng .+ thông báo ý kiến kết luận của .+ để thực hiện\./\.", ours)
    # Nơi nhận ends "- Lưu: VT..."; signed for the head of the office by a deputy.
    assert "- Lưu: VT" in text and view.recipients.lines[-1].startswith("- Lưu: VT")
    assert "KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG" in text
    assert view.signing.titles == ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]


def test_seed_003_the_report_with_its_appendix(cycle):
    text = flat(seed("003"))
    made = cycle()
    issued = made.documents["report"]
    view, ours = issued.view, issued.text
    assert _symbol(text) == _symbol(ours) == "BC-ĐKT"
    assert "Hương Sơn, ngày 05 tháng 7 năm 2023" in text and "Hương Sơn, ngày 05 tháng 7 năm 2023" in ours
    assert view.type_name == "BÁO CÁO"
    assert (
        re.search(r"Kính gửi: Ủy ban nhân dân huyện", text)
        and "Kính gửi: Ủy ban nhân dân huyện Hương Sơn" in ours
    )
    for words in (
        "Thực hiện Kế hoạch số 54/KH-UBND ngày 28/4/2023",
        "Quyết định số 1726/QĐ-UBND ngày 05/5/2023",
        "đến ngày",
    ):
        assert words in text and words in ours
    # The same parts in the same words, results grouped by reform area,
    # common shortcomings apart from each unit's own, "(Có phụ lục kèm theo)".
    for heading in (
        "I. KẾT QUẢ CHÍNH ĐẠT ĐƯỢC",
        "II. NHỮNG HẠN CHẾ VÀ NGUYÊN NHÂN",
        "1. Những hạn chế chung",
        "2. Những hạn chế cụ thể của từng đơn vị được kiểm tra",
        "(Có phụ lục kèm theo)",
        "III. ĐỀ NGHỊ CỦA ĐOÀN KIỂM TRA",
        "1. Đối với các",
        "a) Rà soát lại kế hoạch CCHC năm 2023",
        "b) Tập trung giải quyết kịp thời đơn thư",
        "c) Tập trung khắc phục triệt để",
        "2. Kiến nghị đối với UBND huyện",
        "Trên đây là báo cáo kết quả kiểm tra",
    ):
        in_order(text, heading)
        in_order(ours, heading)
    in_order(ours, "I. KẾT QUẢ", "1. Cải cách", "- ", "2. Cải cách", "II. NHỮNG HẠN CHẾ")
    # One deadline, once, in the decree's style.
    assert text.count("trước ngày 30/8/2023") == ours.count("trước ngày 30/8/2023") == 1
    assert "30/08/2023" not in ours
    assert text.endswith("Lê Quang Hồ") and ours.count("được biết, chỉ đạo./.") == 1
    # Nơi nhận: "- Như trên;" first, "- Lưu: VT, ĐKT." last; a deputy signs for the head.
    assert "Nơi nhận: - Như trên;" in text and view.recipients.lines[0] == "- Như trên;"
    assert "- Lưu: VT, ĐKT." in text and view.recipients.lines[-1] == "- Lưu: VT, ĐKT."
    assert "KT. TRƯỞNG ĐOÀN PHÓ TRƯỞNG ĐOÀN" in text
    assert (
        view.signing.titles == ["KT. TRƯỞNG ĐOÀN", "PHÓ TRƯỞNG ĐOÀN"] and view.signing.name == "Lê Quang Hồ"
    )
    # Only concluded inspections: An Hòa Thịnh (in progress) is named and left out.
    assert made.left_out == ["UBND xã An Hòa Thịnh"] and "An Hòa Thịnh" not in ours.replace(
        "Sơn Châu, Sơn Bình, An Hòa Thịnh", ""
    )
    # The appendix: each unit's own shortcomings, none of the common ones.
    appendix = issued.appendix_view.appendix
    assert appendix.subtitle == (
        "(Kèm theo Báo cáo số 01/BC-ĐKT ngày 05 tháng 7 năm 2023 của Đoàn kiểm tra cải cách hành chính)"
    )
    common = {p.text for s in view.sections for p in s.points}
    assert [u.name for u in appendix.units] == ["Ủy ban nhân dân xã Sơn Châu", "Ủy ban nhân dân xã Sơn Giang"]
    assert all(p.text not in common for u in appendix.units for p in u.points)


def test_seed_004_the_cong_van(cycle):
    text = flat(seed("004"))
    issued = cycle().documents["letter"]
    view, ours = issued.view, issued.text
    # The issuing committee in full, two lines, no line above it.
    assert text.startswith("ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ")
    assert view.issuing_body == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM" and view.parent_body == ""
    assert ours.startswith("ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM")
    # No type code; the issuer's code and the drafting unit's: "UBND-NC".
    assert _symbol(text) == _symbol(ours) == "UBND-NC"
    assert not view.type_name
    # "V/v ..." under the number, in the same words.
    assert "V/v chấn chỉnh, khắc phục một số tồn tại, hạn chế qua kết quả kiểm tra công tác CCHC năm" in text
    assert view.subject_line.startswith(
        "V/v chấn chỉnh, khắc phục một số tồn tại, hạn chế qua kết quả kiểm tra công tác CCHC năm"
    )
    assert view.subject_parts[1] == "năm 2019"  # the year never alone on the last line
    in_order(text, "Kính gửi:")
    in_order(ours, "Kính gửi:")
    # The shortcomings, then the tasks, numbered, the home-affairs body monitoring last.
    assert re.search(r"13\. Giao Sở Nội vụ theo dõi, đôn đốc", text)
    tasks = view.sections[-1].points
    assert tasks[-1].text.startswith("Giao Sở Nội vụ theo dõi, đôn đốc") and tasks[0].marker == "1."
    assert (
        text.endswith("Lê Đức Tiến")
        and "triển khai thực hiện./." in text
        and "triển khai thực hiện./." in ours
    )
    # Nơi nhận: "- Như trên;" and the archive line with the drafting unit.
    assert "Nơi nhận: - Như trên;" in text and view.recipients.lines[0] == "- Như trên;"
    assert re.search(r"Lưu:? VT, NC", text) and view.recipients.lines[-1] == "- Lưu: VT, NC."
    # Signed for the committee by a deputy of its chair.
    assert "TM. ỦY BAN NHÂN DÂN KT.CHỦ TỊCH PHÓ CHỦ TỊCH" in text
    assert view.signing.titles == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    in_order(ours, "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn An")


def test_the_signing_block_never_stands_alone_on_a_page(cycle):
    for name in KINDS:
        issued = cycle().documents[name]
        pages = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", str(issued.signed))).group(1))
        # The page that holds "Nơi nhận:" also holds the end mark "./.".
        for page in range(1, pages + 1):
            page_text = poppler("pdftotext", "-f", str(page), "-l", str(page), str(issued.signed), "-")
            if "Nơi nhận:" in page_text:
                assert "./." in page_text, (name, page)
                break
        else:
            pytest.fail(f"{name}: no Nơi nhận")


def test_every_kind_is_declared_once_and_drafts_from_its_source(cycle):
    made = cycle()
    assert set(made.documents) == set(KINDS)
    # The kinds drafted from inspections, plans and teams (par declares its decision, drafted from a cycle).
    declared = {t.key for t in kinds.declared() if t.source in ("inspection", "plan", "team")}
    assert {d.kind for d in made.documents.values()} | {DocumentKind.REPORT_APPENDIX} == declared
    assert all(d.status == DocumentStatus.SIGNED for d in made.documents.values())


def test_no_page_ends_with_a_heading(cycle):
    for name in KINDS:
        issued = cycle().documents[name]
        titles = {flat(s.title) for s in issued.view.sections if s.title}
        pages = issued.layout.split("\f")
        for number, page in enumerate(pages[:-1], start=1):
            lines = [flat(line) for line in page.splitlines() if line.strip()]
            if lines:
                assert lines[-1] not in titles, (name, number, lines[-1])

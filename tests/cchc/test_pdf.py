"""Official documents rendered to PDF by WeasyPrint, read back with poppler
(pdftotext, pdffonts, pdfinfo): the text and its order, the fonts, the page
size, the margins, the page numbers; and the URL fetcher that keeps a
rendered page from reading the disk or the network."""

import http.server
import os
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents import official, pdf
from tests.cchc.test_official import (
    MARKUP,
    appendix_content,
    cong_van,
    make_document,
    notice_content,
    province_unit,
    report,
    seed_000,
)

MM = 72 / 25.4
A4 = (595.28, 841.89)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
TOLERANCE = 1.0


def poppler(*args: str) -> str:
    # The poppler tools, with file names the tests made.
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF on disk, with what poppler reads from it."""

    path: Path

    @property
    def info(self) -> str:
        return poppler("pdfinfo", "-f", "1", "-l", "999", str(self.path))

    @property
    def pages(self) -> int:
        return int(re.search(r"^Pages:\s+(\d+)", self.info, re.M).group(1))

    def text(self, *, layout: bool = True) -> str:
        return poppler("pdftotext", *(["-layout"] if layout else []), str(self.path), "-")

    def body_text(self) -> str:
        """The text of every page inside the top and bottom margins (so
        without the page numbers), pages joined, blanks collapsed."""
        width, height = A4
        parts = []
        for page in range(1, self.pages + 1):
            parts.append(
                poppler(
                    "pdftotext",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-x",
                    "0",
                    "-y",
                    str(int(MARGIN_TOP)),
                    "-W",
                    str(int(width)),
                    "-H",
                    str(int(height - MARGIN_TOP - MARGIN_BOTTOM) + 1),
                    str(self.path),
                    "-",
                )
            )
        return " ".join(" ".join(parts).split())

    def words(self) -> list[Word]:
        xhtml = poppler("pdftotext", "-bbox", str(self.path), "-")
        root = ET.fromstring(xhtml)  # noqa: S314 - poppler's output for a PDF the test made
        words = []
        for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
            for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
                box = (float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
                words.append(Word(number, word.text or "", *box))
        return words

    def fonts(self) -> list[list[str]]:
        lines = poppler("pdffonts", str(self.path)).splitlines()[2:]
        return [line.split() for line in lines if line.strip()]


# Every test may render, and rendering builds documents in the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    """Render each kind of document once for the whole module:
    ``render(name, build)``, where ``build`` gets the province unit and
    returns a document, built in a transaction that is rolled back."""
    folder = tmp_path_factory.mktemp("pdf")
    cache: dict[str, Pdf] = {}

    def make(name, build) -> Pdf:
        if name not in cache:
            with transaction.atomic():
                document = build(province_unit())
                path = folder / f"{name}.pdf"
                path.write_bytes(official.document_pdf(document))
                transaction.set_rollback(True)
            cache[name] = Pdf(path)
        return cache[name]

    return make


@pytest.fixture
def notice_pdf(render) -> Pdf:
    return render("notice", make_document)


def long_appendix(units: int = 12, points: int = 3) -> dict:
    return appendix_content(units=units, points=points)


def report_with_appendix(unit):
    return report(unit, content={**notice_content(), "appendix": long_appendix()})


def separate_appendix(unit):
    return make_document(
        unit,
        kind=DocumentKind.REPORT_APPENDIX,
        parent=report(unit),
        number=None,
        type_code="BC",
        register_series="team:2",
        summary="Tồn tại, hạn chế của từng đơn vị được kiểm tra",
        content={"appendix": long_appendix()},
    )


def draft_notice(unit):
    return make_document(unit, status=DocumentStatus.DRAFT, year=2019)


VARIANTS = {
    "notice": make_document,
    "draft": draft_notice,
    "cong-van": cong_van,
    "report-inline": report_with_appendix,
    "appendix": separate_appendix,
}


class TestNotice:
    def test_header_and_headings(self, notice_pdf):
        text = notice_pdf.text()
        assert "Số: 146/TB-ĐKT" in text
        assert "Quảng Nam, ngày 08 tháng 11 năm 2019" in text
        # The number and the date line are printed on the same line.
        assert re.search(r"Số: 146/TB-ĐKT\s+Quảng Nam, ngày 08 tháng 11 năm 2019", text)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # on one line
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "UBND TỈNH QUẢNG NAM" in text
        assert re.search(r"^\s*THÔNG BÁO\s*$", text, re.M)
        assert "DỰ THẢO" not in text
        body = notice_pdf.body_text()
        positions = [
            body.index(heading)
            for heading in (
                "I. Những kết quả đạt được",
                "II. Một số tồn tại, hạn chế",
                "III. Nhiệm vụ trong thời gian đến",
            )
        ]
        assert positions == sorted(positions)

    def test_every_finding_in_order(self, notice_pdf):
        # Compared without blanks and dashes: a line may break after "/"
        # ("01/2018/|TT-VPCP"), and pdftotext joins a line ending in "-" to
        # the next as if the word had been hyphenated ("Văn hóa -|Thể thao"
        # comes out "Văn hóa Thể thao").
        def words(text):
            return re.sub(r"[\s-]+", "", text)

        body = words(notice_pdf.body_text())
        seed = seed_000()
        cursor = 0
        for kind in ("achievements", "shortcomings", "tasks"):
            for number, finding in enumerate(seed[kind], start=1):
                expected = words(f"{number}. {finding}").rstrip(".")
                found = body.find(expected, cursor)
                assert found >= 0, f"missing or out of order: {expected[:60]}"
                cursor = found + len(expected)
        assert body[cursor:].startswith("./.")

    def test_sign_off(self, notice_pdf):
        text = notice_pdf.text()
        assert re.search(r"Nơi nhận:\s+KT\. TRƯỞNG ĐOÀN", text)  # level with the signing block
        assert "PHÓ TRƯỞNG ĐOÀN" in text
        assert "Lê Ngọc Quảng" in text
        assert "- Lưu: VT, KSTTHC (K.Phương)." in text
        assert "Mã tra cứu:" in text

    def test_fonts_are_embedded_tinos(self, notice_pdf):
        fonts = notice_pdf.fonts()
        assert fonts
        for columns in fonts:
            name, kind = columns[0], " ".join(columns[1:3])
            assert kind == "CID TrueType", columns
            assert columns[-5] == "yes", f"not embedded: {columns}"  # emb
            assert "Tinos" in name, columns
        assert not any("Type 3" in " ".join(columns) for columns in fonts)
        names = {columns[0].split("+", 1)[1] for columns in fonts}
        # One whole font per face used: Vietnamese letters are not split
        # off into subset fonts.
        assert names == {"Tinos", "Tinos-Bold", "Tinos-Italic", "Tinos-Bold-Italic"}

    def test_a4_pages(self, notice_pdf):
        assert notice_pdf.pages >= 2
        sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", notice_pdf.info, re.M)
        assert len(sizes) == notice_pdf.pages
        for width, height in sizes:
            assert abs(float(width) - A4[0]) <= 1 and abs(float(height) - A4[1]) <= 1

    @pytest.mark.parametrize("variant", VARIANTS)
    def test_no_text_in_the_margins(self, render, variant):
        document = render(variant, VARIANTS[variant])
        width, height = A4
        centre = (MARGIN_LEFT + width - MARGIN_RIGHT) / 2
        words = document.words()
        assert words
        outside = []
        for word in words:
            page_number = word.text.isdigit() and abs((word.x_min + word.x_max) / 2 - centre) < 3
            if word.y_max <= MARGIN_TOP and page_number:
                continue  # the page number lives in the top margin
            if (
                word.x_min < MARGIN_LEFT - TOLERANCE
                or word.x_max > width - MARGIN_RIGHT + TOLERANCE
                or word.y_min < MARGIN_TOP - TOLERANCE
                or word.y_max > height - MARGIN_BOTTOM + TOLERANCE
            ):
                outside.append(word)
        assert outside == []

    def test_page_numbers(self, notice_pdf):
        width, _height = A4
        words = notice_pdf.words()
        in_top_margin = [w for w in words if w.y_max <= MARGIN_TOP + TOLERANCE]
        assert [w for w in in_top_margin if w.page == 1] == []
        for page in range(2, notice_pdf.pages + 1):
            numbers = [w for w in in_top_margin if w.page == page]
            assert [w.text for w in numbers] == [str(page)]
            centre = (numbers[0].x_min + numbers[0].x_max) / 2
            assert abs(centre - (MARGIN_LEFT + (width - MARGIN_RIGHT)) / 2) < 3
            assert numbers[0].y_min > 5 * MM  # inside the page, in the margin


class TestVariants:
    def test_draft(self, render):
        draft = render("draft", draft_notice)
        text = draft.text()
        assert "DỰ THẢO" in text
        assert re.search(r"Số:\s+/TB-ĐKT", text)
        assert "146" not in text
        assert re.search(r"Quảng Nam, ngày\s+tháng\s+năm 2019", text)
        assert "Mã tra cứu:" not in text

    def test_markup_is_printed_as_text(self, render):
        def build(unit):
            content = notice_content()
            content["sections"][1]["points"].insert(0, MARKUP)
            return make_document(unit, content=content)

        body = render("markup", build).body_text()
        assert f"1. {MARKUP}" in body

    def test_cong_van(self, render):
        letter = render("cong-van", cong_van)
        text = letter.text()
        assert "Số: 12/UBND-NC" in text
        assert "V/v chấn chỉnh, khắc phục" in text
        assert "Kính gửi:" in text
        assert "- UBND các huyện, thị xã, thành phố." in text
        assert "THÔNG BÁO" not in text and "CÔNG VĂN" not in text
        assert "Quảng Trị, ngày 01 tháng 12 năm 2023" in text
        # "V/v" sits under the number, in the left column.
        words = letter.words()
        number = next(w for w in words if w.text == "12/UBND-NC")
        subject = next(w for w in words if w.text == "V/v")
        assert subject.y_min > number.y_max
        assert subject.x_max < A4[0] / 2

    @pytest.mark.parametrize(
        ("date", "expected"),
        [((2024, 1, 5), "ngày 05 tháng 01 năm 2024"), ((2024, 3, 15), "ngày 15 tháng 3 năm 2024")],
    )
    def test_month_rule_in_print(self, render, date, expected):
        import datetime

        issued_on = datetime.date(*date)
        printed = render(
            f"date-{issued_on}",
            lambda unit: make_document(unit, issued_on=issued_on, year=issued_on.year, content={}),
        )
        assert f"Quảng Nam, {expected}" in printed.text()


def top_margin_words(document: Pdf) -> dict[int, list[str]]:
    pages: dict[int, list[str]] = {page: [] for page in range(1, document.pages + 1)}
    for word in document.words():
        if word.y_max <= MARGIN_TOP + TOLERANCE:
            pages[word.page].append(word.text)
    return pages


class TestAppendix:
    def test_inline_appendix_numbers_its_own_pages(self, render):
        document = render("report-inline", report_with_appendix)
        pages = document.pages
        numbers = top_margin_words(document)
        texts = [
            poppler("pdftotext", "-f", str(p), "-l", str(p), str(document.path), "-")
            for p in range(1, pages + 1)
        ]
        first = next(index for index, text in enumerate(texts, start=1) if "PHỤ LỤC" in text)
        assert first > 2, "the report body should take at least two pages"
        assert pages - first + 1 >= 2, "the appendix should take at least two pages"
        # The report: no number on page 1, then 2, 3 ...
        assert numbers[1] == []
        assert [numbers[p] for p in range(2, first)] == [[str(p)] for p in range(2, first)]
        # The appendix starts on a page of its own, counted from 1 again.
        assert numbers[first] == []
        assert [numbers[p] for p in range(first + 1, pages + 1)] == [
            [str(p - first + 1)] for p in range(first + 1, pages + 1)
        ]
        assert "TỒN TẠI, HẠN CHẾ CỦA TỪNG ĐƠN VỊ" in texts[first - 1]
        assert "Kèm theo Báo cáo số 02/BC-ĐKT" in " ".join(texts[first - 1].split())

    def test_separate_appendix(self, render):
        document = render("appendix", separate_appendix)
        assert document.pages >= 2
        numbers = top_margin_words(document)
        assert numbers[1] == []  # the top right of page 1 is kept for the signature stamp
        assert [numbers[p] for p in range(2, document.pages + 1)] == [
            [str(p)] for p in range(2, document.pages + 1)
        ]
        text = document.text()
        assert "PHỤ LỤC" in text and "CỘNG HÒA" not in text
        assert "1. Ủy ban nhân dân xã Sơn 1" in text


class TestUrlFetcher:
    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "FILE:///etc/hostname",
            "http://example.com/style.css",
            "https://example.com/static/official/official.css",
            "http://127.0.0.1:8000/static/official/official.css",
            "ftp://example.com/x",
            "javascript:alert(1)",
            "/static/official/official.css",
            f"{pdf.BASE_URL}etc/passwd",
            f"{pdf.BASE_URL}static/../../../../etc/passwd",
            f"{pdf.BASE_URL}static/%2e%2e/%2e%2e/cchc/settings.py",
            f"{pdf.BASE_URL}static/official/missing.css",
        ],
    )
    def test_refused(self, url):
        with pytest.raises(pdf.URLRefused):
            pdf.fetch_static(url)
        with pytest.raises(pdf.URLRefused):
            pdf.url_fetcher().fetch(url)

    def test_static_files_and_data_uris_are_served(self):
        body, media_type = pdf.fetch_static(f"{pdf.BASE_URL}static/official/official.css")
        assert media_type == "text/css"
        assert b"@page" in body
        font, _ = pdf.fetch_static(f"{pdf.BASE_URL}static/vendor/fonts/tinos/400Regular/Tinos_400Regular.ttf")
        assert font[:4] == b"\x00\x01\x00\x00"  # TrueType
        noto, _ = pdf.fetch_static(
            f"{pdf.BASE_URL}static/vendor/fonts/noto-serif/noto-serif-vietnamese-400-normal.woff2"
        )
        assert noto[:4] == b"wOF2"
        response = pdf.url_fetcher().fetch("data:text/plain;base64,eGluIGNow6Bv")
        assert response.read() == "xin chào".encode()

    def test_static_root_is_used_after_collectstatic(self, settings, tmp_path):
        (tmp_path / "official").mkdir()
        (tmp_path / "official" / "collected-only.css").write_text("p { color: black }")
        settings.STATIC_ROOT = tmp_path
        body, _ = pdf.fetch_static(f"{pdf.BASE_URL}static/official/collected-only.css")
        assert body == b"p { color: black }"

    def test_rendering_reads_neither_disk_nor_network(self, tmp_path):
        requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b'p::after { content: "FROM-NETWORK" }')

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            secret = tmp_path / "secret.css"
            secret.write_text('p::before { content: "FROM-DISK" }')
            port = server.server_address[1]
            html = (
                f'<html><head><link rel="stylesheet" href="{secret.as_uri()}">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css"></head>'
                f'<body><p>nội dung</p><img src="http://127.0.0.1:{port}/x.png">'
                f'<img src="{secret.as_uri()}"></body></html>'
            )
            path = tmp_path / "out.pdf"
            path.write_bytes(pdf.render_pdf(html))
        finally:
            server.shutdown()
            server.server_close()
        text = poppler("pdftotext", str(path), "-")
        assert "nội dung" in text
        assert "FROM-DISK" not in text and "FROM-NETWORK" not in text
        assert requests == []

    def test_official_css_lists_the_declared_fonts(self):
        css = (Path(settings.BASE_DIR) / "static" / "official" / "official.css").read_text()
        declared = re.sub(r"\s+", " ", re.search(r"html \{[^}]*font-family: ([^;]+);", css).group(1))
        assert declared == pdf.FONT_STACK


class TestStylesheets:
    """The official stylesheet is parsed once per process and applied by
    the renderer; the HTML preview links it instead."""

    def test_pdf_html_leaves_the_link_to_the_renderer(self, db):
        document = make_document(province_unit())
        assert "official/official.css" in official.document_html(document)
        assert "official/official.css" not in official.document_html(document, for_pdf=True)

    def test_the_preview_gets_the_fonts_the_pdf_declares(self, client, db):
        document = make_document(province_unit())
        html = official.document_html(document)
        assert reverse("official_fonts_css") in html
        response = client.get(reverse("official_fonts_css"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
        css = response.content.decode()
        assert css == pdf.font_face_css()
        assert 'font-family: "Tinos"; font-style: italic; font-weight: 700;' in css
        assert "Tinos_700Bold_Italic.ttf" in css
        assert 'font-family: "Noto Serif Vietnamese"' in css and "U+1EA0-1EF9" in css

    def test_parsed_once_and_again_when_the_file_changes(self, tmp_path, settings):
        static = tmp_path / "static"
        (static / "t").mkdir(parents=True)
        sheet = static / "t" / "marker.css"
        sheet.write_text('p::before { content: "ONE " }')
        settings.STATICFILES_DIRS = [str(static)]
        pdf._found.clear()
        html = "<html><body><p>nội dung</p></body></html>"

        def text() -> str:
            path = tmp_path / "out.pdf"
            path.write_bytes(pdf.render_pdf(html, stylesheets=["t/marker.css"]))
            return poppler("pdftotext", str(path), "-")

        assert "ONE nội dung" in text()
        first = pdf._stylesheet("t/marker.css")
        assert pdf._stylesheet("t/marker.css") is first
        sheet.write_text('p::before { content: "TWO " }')
        os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 10**9))
        assert "TWO nội dung" in text()
        assert pdf._stylesheet("t/marker.css") is not first
        pdf._found.clear()


class TestCommand:
    def test_render_document_to_pdf_and_html(self, tmp_path):
        document = make_document(province_unit())
        out = tmp_path / "146.pdf"
        call_command("render_document", str(document.pk), "--out", str(out), stdout=StringIO())
        assert out.read_bytes().startswith(b"%PDF-")
        assert "Số: 146/TB-ĐKT" in poppler("pdftotext", "-layout", str(out), "-")
        html = tmp_path / "146.html"
        call_command("render_document", str(document.pk), "--html", "--out", str(html), stdout=StringIO())
        assert "Số: 146/TB-ĐKT" in html.read_text(encoding="utf-8")

    def test_unknown_document(self, tmp_path):
        with pytest.raises(CommandError, match="Không có văn bản"):
            call_command("render_document", "999999", "--out", str(tmp_path / "x.pdf"))

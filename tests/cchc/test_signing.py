"""Signing on the server (PAdES with a visible Vietnamese stamp) and the
checks made on a file signed outside the app before it is kept."""

import datetime as dt
import re
import shutil
import subprocess
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from cchc.documents import signing
from demo.certificate import create_demo_certificate
from tests.cchc.demo_signers import PERSON_NAME, demo_timestamper, issue_signer, sign_as

ORGANISATION = "UBND tỉnh Quảng Nam"
SIGNER_NAME = "Nguyễn Thị Ánh Tuyết"
ISSUING_BODY = "Văn phòng Ủy ban nhân dân tỉnh Quảng Nam"
PASSWORD = "mật-khẩu-thử"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
MM = 72 / 25.4

PAGE_HTML = """
<html lang="vi"><head><meta charset="utf-8"><style>
  @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
  body {{ font-family: "DejaVu Serif", serif; font-size: 13pt; }}
  section {{ page-break-after: always; }}
  section:last-child {{ page-break-after: auto; }}
</style></head><body>{sections}</body></html>
"""


def make_pdf(title: str, pages: int = 3) -> bytes:
    sections = "".join(
        f"<section><h1>{title}</h1><p>Trang {n}: Đoàn kiểm tra công tác cải cách hành chính "
        "đã làm việc với Ủy ban nhân dân huyện Duy Xuyên về việc giải quyết thủ tục hành chính, "
        "tiếp nhận và trả kết quả tại Bộ phận Một cửa.</p></section>"
        for n in range(1, pages + 1)
    )
    return HTML(string=PAGE_HTML.format(sections=sections)).write_pdf()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo-signing")
    p12, root = create_demo_certificate(
        directory=directory,
        organisation=ORGANISATION,
        password=PASSWORD,
        root_key_path=directory / "demo-root-key.pem",
    )
    return p12, root


@pytest.fixture(scope="module")
def person(demo, tmp_path_factory):
    """The competent person's certificate, issued by the same demo root as
    the organisation's (as the Government Cipher Committee's CA issues both)."""
    _p12, root = demo
    return issue_signer(
        tmp_path_factory.mktemp("person-signing"),
        root_pem=root,
        root_key=root.parent / "demo-root-key.pem",
        password=PASSWORD,
        common_name=PERSON_NAME,
        organisation=ORGANISATION,
    )


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """A demo certificate from another root, which nobody configured."""
    directory = tmp_path_factory.mktemp("other-signing")
    return create_demo_certificate(
        directory=directory,
        organisation="Công ty Chữ ký Lạ",
        password="khác",
        root_key_path=directory / "demo-root-key.pem",
    )


@pytest.fixture(scope="module")
def issued():
    return make_pdf("THÔNG BÁO KẾT LUẬN KIỂM TRA")


@pytest.fixture(scope="module")
def signed(demo, issued):
    p12, _root = demo
    return signing.sign_pdf(
        issued,
        p12_path=p12,
        password=PASSWORD,
        signer_name=SIGNER_NAME,
        organisation=ISSUING_BODY,
        reason="Ban hành thông báo kết luận kiểm tra",
        location="Quảng Nam",
    )


@pytest.fixture(scope="module")
def appendix(demo):
    p12, _root = demo
    issued_appendix = make_pdf("PHỤ LỤC", pages=2)
    return issued_appendix, signing.sign_pdf(
        issued_appendix,
        p12_path=p12,
        password=PASSWORD,
        signer_name=SIGNER_NAME,
        organisation=ISSUING_BODY,
        stamp_style="appendix",
        page=0,
        number_symbol="146/BC-ĐKT",
    )


def widget_on(pdf: bytes, page_index: int):
    """The signature widget on a page, the page's media box, and the page
    count."""
    reader = PdfFileReader(BytesIO(pdf))
    page_ref, _resources = reader.find_page_for_modification(page_index)
    page = page_ref.get_object()
    widgets = [
        annot.get_object()
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/FT") == "/Sig" and annot.get_object().get("/Subtype") == "/Widget"
    ]
    total_pages = int(reader.root["/Pages"]["/Count"])
    return widgets, [float(v) for v in page["/MediaBox"]], total_pages


def pdftotext(pdf: bytes, tmp_path: Path, page: int) -> str:
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def validate(pdf: bytes, root: Path):
    reader = PdfFileReader(BytesIO(pdf))
    (embedded,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(root))],
        allow_fetching=False,
    )
    return embedded, validate_pdf_signature(embedded, signer_validation_context=context)


class TestDemoCertificate:
    def test_signer_certificate_is_issued_by_a_self_signed_demo_root(self, demo):
        p12, root_path = demo
        assert (p12.name, root_path.name) == ("demo-signer.p12", "demo-root.pem")
        key, cert, chain = pkcs12.load_key_and_certificates(p12.read_bytes(), PASSWORD.encode())
        root = x509.load_pem_x509_certificate(root_path.read_bytes())

        assert key is not None
        assert root.subject == root.issuer
        assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
            "cchc demo root — not for production"
        )
        assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
        assert [c.fingerprint(hashes.SHA256()) for c in chain] == [root.fingerprint(hashes.SHA256())]

        assert cert.issuer == root.subject
        assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ORGANISATION
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
            "Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa)"
        )
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
        assert dt.timedelta(days=5 * 365) <= lifetime <= dt.timedelta(days=5 * 366)
        root.public_key().verify(
            cert.signature, cert.tbs_certificate_bytes, _pkcs1(), cert.signature_hash_algorithm
        )

    def test_the_pkcs12_file_is_private_and_password_protected(self, demo):
        p12, _root = demo
        assert p12.stat().st_mode & 0o077 == 0
        with pytest.raises(ValueError):
            pkcs12.load_key_and_certificates(p12.read_bytes(), None)

    def test_it_never_overwrites_existing_files(self, tmp_path):
        p12, root = create_demo_certificate(directory=tmp_path, organisation=ORGANISATION, password="a")
        before = (p12.read_bytes(), root.read_bytes())
        again = create_demo_certificate(directory=tmp_path, organisation="Khác", password="a")
        assert again == (p12, root)
        assert (p12.read_bytes(), root.read_bytes()) == before

    def test_the_roots_key_is_kept_only_when_asked_private_and_encrypted(self, demo, tmp_path):
        _p12, root_path = demo
        key_path = root_path.parent / "demo-root-key.pem"
        assert key_path.stat().st_mode & 0o077 == 0
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(key_path.read_bytes(), None)
        key = serialization.load_pem_private_key(key_path.read_bytes(), PASSWORD.encode())
        root = x509.load_pem_x509_certificate(root_path.read_bytes())
        assert key.public_key().public_numbers() == root.public_key().public_numbers()

        create_demo_certificate(directory=tmp_path, organisation=ORGANISATION, password="a")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-root.pem", "demo-signer.p12"]

    def test_a_missing_root_is_written_again_from_the_pkcs12_chain(self, tmp_path):
        p12, root = create_demo_certificate(directory=tmp_path, organisation=ORGANISATION, password="a")
        original = root.read_bytes()
        root.unlink()
        create_demo_certificate(directory=tmp_path, organisation=ORGANISATION, password="a")
        assert root.read_bytes() == original


class TestLoadSigner:
    def test_a_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(signing.SigningError) as excinfo:
            signing.load_signer(tmp_path / "khong-co.p12", "x")
        assert "Không tìm thấy tệp chứng thư số (PKCS#12)" in str(excinfo.value)
        assert "khong-co.p12" in str(excinfo.value)

    def test_a_wrong_password_is_a_clear_error(self, demo):
        p12, _root = demo
        with pytest.raises(signing.SigningError) as excinfo:
            signing.load_signer(p12, "sai mật khẩu")
        assert str(excinfo.value).startswith(
            "Không mở được tệp chứng thư số demo-signer.p12: mật khẩu không đúng"
        )

    def test_the_signer_is_cached_until_the_file_changes(self, tmp_path):
        p12, _root = create_demo_certificate(directory=tmp_path, organisation=ORGANISATION, password="a")
        first = signing.load_signer(p12, "a")
        assert signing.load_signer(p12, "a") is first
        replacement, _ = create_demo_certificate(
            directory=tmp_path / "new", organisation=ORGANISATION, password="a"
        )
        shutil.copyfile(replacement, p12)
        assert signing.load_signer(p12, "a") is not first
        assert signing.load_signer(p12, "a").signing_cert.serial_number != first.signing_cert.serial_number

    def test_describe_signer_names_the_certificate_and_its_issuer(self, demo):
        p12, _root = demo
        described = signing.describe_signer(p12_path=p12, password=PASSWORD)
        assert described.startswith("Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa), UBND tỉnh Quảng Nam")
        assert "cấp bởi: cchc demo root — not for production" in described


class TestSignOnServer:
    def test_signing_appends_an_incremental_update_and_never_rewrites(self, issued, signed):
        assert len(signed) > len(issued)
        assert signed[: len(issued)] == issued
        reader = PdfFileReader(BytesIO(signed))
        assert reader.xrefs.total_revisions == PdfFileReader(BytesIO(issued)).xrefs.total_revisions + 1

    def test_pyhanko_finds_it_intact_valid_trusted_and_covering_the_whole_file(self, demo, signed):
        _p12, root = demo
        embedded, status = validate(signed, root)
        assert status.intact and status.valid and status.trusted
        assert status.bottom_line
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.md_algorithm == "sha256"
        # PAdES baseline B-B: CAdES sub-filter, no timestamp.
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert status.timestamp_validity is None
        assert embedded.sig_object["/Reason"] == "Ban hành thông báo kết luận kiểm tra"
        assert embedded.sig_object["/Location"] == "Quảng Nam"

    def test_pdfsig_validates_the_signature(self, signed, tmp_path):
        path = tmp_path / "signed.pdf"
        path.write_bytes(signed)
        result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
        output = result.stdout
        assert "Signature #1:" in output
        assert "Signature Validation: Signature is Valid." in output
        assert "Total document signed" in output
        assert "Signature Type: ETSI.CAdES.detached" in output
        assert "Signer Certificate Common Name: Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa)" in output
        # The demo root is not in NSS's store: pdfsig is expected to say so.
        assert re.search(
            r"Certificate Validation: (Certificate issuer isn't Trusted|Certificate is Trusted)", output
        )

    def test_the_stamp_is_on_the_last_page_in_the_lower_right_in_vietnamese(self, demo, signed, tmp_path):
        widgets, (x0, y0, x1, y1), pages = widget_on(signed, -1)
        assert pages == 3
        (widget,) = widgets
        left, bottom, right, top = (float(v) for v in widget["/Rect"])
        # Lower right: right of the page's middle, inside the right margin,
        # above the bottom margin, in the lowest third.
        assert (left + right) / 2 > (x0 + x1) / 2 and right <= x1 - 15 * MM
        assert left >= x0 + 30 * MM
        assert bottom >= y0 + 15 * MM and top < (y0 + y1) / 3
        assert widget_on(signed, 0)[0] == []

        text = pdftotext(signed, tmp_path, page=3)
        # Nghị định 30/2020: the organisation and the time in ISO 8601 with
        # seconds and Vietnam's offset; no person's name.
        assert "Ký bởi" not in text
        assert ISSUING_BODY in text
        _embedded, status = validate(signed, demo[1])
        signed_at = status.signer_reported_dt.astimezone(VIETNAM)
        assert signed_at.replace(microsecond=0).isoformat() in text

    def test_the_stamp_goes_where_the_document_marks_the_signing_block(self, demo, tmp_path):
        """An official document marks the blank of its signing block (the id
        ``signature-space``, a named destination in the PDF): the stamp goes
        there, between the position and the name, on that page even when an
        appendix follows, and never over "Nơi nhận"."""
        html = PAGE_HTML.format(
            sections=(
                "<section><p>Nội dung kết luận.</p>"
                '<table style="width:100%"><tr>'
                '<td style="width:45%;vertical-align:top"><p>Nơi nhận:</p><p>- Lưu: VT.</p></td>'
                '<td style="width:55%;text-align:center;vertical-align:top"><p>TRƯỞNG ĐOÀN</p>'
                f'<div id="{signing.SIGNATURE_ANCHOR}" style="height:28mm"></div><p>Lê Ngọc Quảng</p></td>'
                "</tr></table></section><section><h1>PHỤ LỤC</h1></section>"
            )
        )
        p12, _root = demo
        signed = signing.sign_pdf(
            HTML(string=html).write_pdf(),
            p12_path=p12,
            password=PASSWORD,
            signer_name=SIGNER_NAME,
            organisation=ISSUING_BODY,
        )
        assert widget_on(signed, -1)[0] == []
        (widget,), (_x0, _y0, x1, y1), pages = widget_on(signed, 0)
        assert pages == 2
        left, bottom, right, top = (float(v) for v in widget["/Rect"])

        path = tmp_path / "signed.pdf"
        path.write_bytes(signed)
        boxes = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True, text=True
        ).stdout
        words = {
            m["word"]: (float(m["x0"]), y1 - float(m["y1"]), float(m["x1"]), y1 - float(m["y0"]))
            for m in re.finditer(
                r'xMin="(?P<x0>[\d.]+)" yMin="(?P<y0>[\d.]+)" xMax="(?P<x1>[\d.]+)" yMax="(?P<y1>[\d.]+)">'
                r"(?P<word>[^<]+)<",
                boxes,
            )
        }
        position, name, recipients = words["TRƯỞNG"], words["Quảng"], words["nhận:"]
        assert top <= position[1] and bottom >= name[3]  # between the position and the name
        assert left >= recipients[2]  # right of "Nơi nhận:"
        assert right <= x1 - 15 * MM + 0.01  # inside the right margin (rounded to 0.01 pt)

    def test_the_stamp_font_is_embedded_and_covers_vietnamese(self, signed):
        reader = PdfFileReader(BytesIO(signed))
        (widget,) = widget_on(signed, -1)[0]
        appearance = widget["/AP"]["/N"]
        font = appearance["/Resources"]["/Font"]["/F1"]
        assert font["/Subtype"] == "/Type0"
        descendant = font["/DescendantFonts"][0]
        assert descendant["/FontDescriptor"]["/FontFile2"].data[:4] in (b"\x00\x01\x00\x00", b"true")
        assert "/ToUnicode" in font
        # The appearance is 10 pt.
        assert b"/F1 10 Tf" in appearance.data
        assert reader.embedded_signatures  # still readable as a whole

    def test_a_box_passed_by_the_caller_places_the_stamp(self, demo, issued):
        p12, _root = demo
        signed = signing.sign_pdf(
            issued,
            p12_path=p12,
            password=PASSWORD,
            signer_name=SIGNER_NAME,
            organisation=ISSUING_BODY,
            page=1,
            box=(300.0, 200.0, 560.0, 260.0),
        )
        (widget,) = widget_on(signed, 1)[0]
        assert [float(v) for v in widget["/Rect"]] == [300.0, 200.0, 560.0, 260.0]

    def test_a_signature_bigger_than_the_room_kept_for_it_is_measured_again(self, demo, issued, monkeypatch):
        p12, root = demo
        monkeypatch.setitem(signing.load_signer(p12, PASSWORD).__dict__, "bytes_to_reserve", 64)
        signed = signing.sign_pdf(
            issued, p12_path=p12, password=PASSWORD, signer_name=SIGNER_NAME, organisation=ISSUING_BODY
        )
        _embedded, status = validate(signed, root)
        assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    def test_signing_an_unreadable_file_is_a_clear_error(self, demo):
        p12, _root = demo
        with pytest.raises(signing.SigningError) as excinfo:
            signing.sign_pdf(b"not a pdf", p12_path=p12, password=PASSWORD, signer_name="A", organisation="B")
        assert str(excinfo.value) == "Không đọc được tệp PDF cần ký."

    def test_an_expired_certificate_does_not_sign(self, tmp_path, issued):
        p12, _root = make_certificate(tmp_path, not_after_days=-1)
        with pytest.raises(signing.SigningError) as excinfo:
            signing.sign_pdf(issued, p12_path=p12, password="x", signer_name="A", organisation="B")
        assert str(excinfo.value).startswith("Chứng thư số của cơ quan đã hết hạn ngày ")


class TestAppendixStamp:
    def test_top_right_of_the_first_page_in_10_pt_without_image(self, appendix, tmp_path):
        issued_appendix, signed = appendix
        assert signed.startswith(issued_appendix)
        widgets, (x0, y0, x1, y1), _pages = widget_on(signed, 0)
        (widget,) = widgets
        assert widget_on(signed, 1)[0] == []
        left, bottom, right, top = (float(v) for v in widget["/Rect"])
        # Top right: in the right half, within the right margin, in the top
        # margin (20 mm) of page 1.
        assert left > (x0 + x1) / 2
        assert x1 - 25 * MM <= right <= x1 - 15 * MM
        assert y1 - 20 * MM <= bottom < top <= y1 - 5 * MM

        appearance = widget["/AP"]["/N"]
        content = appearance.data
        assert re.findall(rb"/F1 (\d+) Tf", content) and set(re.findall(rb"/F1 (\d+) Tf", content)) == {b"10"}
        # No scaling of the text: every cm is a pure translation.
        for matrix in re.findall(rb"([-\d. ]+) cm", content):
            a, b, c, d = (float(v) for v in matrix.split()[-6:-2])
            assert (a, b, c, d) == (1, 0, 0, 1)
        resources = appearance["/Resources"]
        assert "/XObject" not in resources
        assert b" Do" not in content and b"BI " not in content

        text = pdftotext(signed, tmp_path, page=1)
        assert "146/BC-ĐKT" in text
        assert re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", text)
        assert "Ký bởi" not in text

    def test_the_appendix_signature_is_valid(self, demo, appendix):
        issued_appendix, signed = appendix
        check = signing.verify_signed_upload(issued=issued_appendix, signed=signed, trusted_roots=[demo[1]])
        assert check.ok, check.reason


def flip_byte(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def sign_with_pyhanko(writer, p12: Path, password: str) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)
    output = BytesIO()
    signers.PdfSigner(meta, signer=signing.load_signer(p12, password)).sign_pdf(writer, output=output)
    return output.getvalue()


class TestVerifySignedUpload:
    def test_the_signed_issued_file_is_accepted(self, demo, issued, signed):
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is True
        assert check.reason == ""
        assert check.signer.startswith("Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa)")
        assert check.signed_at is not None and check.signed_at.tzinfo is not None
        assert abs(check.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)

    def test_a_file_altered_after_signing_is_refused(self, demo, issued, signed):
        # A byte inside the signed range: in the data of a stream of the
        # issued part (the file stays readable, its digest changes).
        stream = re.search(rb">>\s*stream\r?\n", signed[len(issued) // 3 :])
        offset = len(issued) // 3 + stream.end() + 20
        assert offset < len(issued)
        altered = flip_byte(signed, offset)
        check = signing.verify_signed_upload(issued=issued, signed=altered, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == "Chữ ký không toàn vẹn: tệp đã bị sửa sau khi ký."

    def test_a_byte_changed_in_the_signature_revision_is_refused(self, demo, issued, signed):
        # The signature field's name, in the update that holds the signature:
        # "ChuKySoCoQuan1" becomes "BhuKySoCoQuan1".
        offset = signed.index(b"ChuKySoCoQuan1", len(issued))
        altered = flip_byte(signed, offset)
        check = signing.verify_signed_upload(issued=issued, signed=altered, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == "Chữ ký không toàn vẹn: tệp đã bị sửa sau khi ký."

    def test_a_signed_copy_of_another_pdf_is_refused(self, demo, issued):
        p12, root = demo
        other_pdf = make_pdf("MỘT VĂN BẢN KHÁC")
        signed_other = signing.sign_pdf(
            other_pdf, p12_path=p12, password=PASSWORD, signer_name=SIGNER_NAME, organisation=ISSUING_BODY
        )
        check = signing.verify_signed_upload(issued=issued, signed=signed_other, trusted_roots=[root])
        assert check.ok is False
        assert check.reason.startswith("Tệp đã ký không phải là bản đã phát hành")

    def test_a_certificate_from_an_untrusted_root_is_refused(self, demo, other, issued):
        other_p12, _other_root = other
        signed_elsewhere = signing.sign_pdf(
            issued, p12_path=other_p12, password="khác", signer_name="Người lạ", organisation="Nơi khác"
        )
        check = signing.verify_signed_upload(issued=issued, signed=signed_elsewhere, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == "Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy."
        assert "Công ty Chữ ký Lạ" in check.signer

    def test_the_same_file_is_accepted_once_its_root_is_configured(self, demo, other, issued):
        other_p12, other_root = other
        signed_elsewhere = signing.sign_pdf(
            issued, p12_path=other_p12, password="khác", signer_name="Người lạ", organisation="Nơi khác"
        )
        check = signing.verify_signed_upload(
            issued=issued, signed=signed_elsewhere, trusted_roots=[demo[1], other_root]
        )
        assert check.ok, check.reason

    def test_an_unsigned_file_is_refused(self, demo, issued):
        check = signing.verify_signed_upload(issued=issued, signed=issued, trusted_roots=[demo[1]])
        assert (check.ok, check.reason) == (False, "Tệp tải lên không có chữ ký số.")

    def test_a_file_that_is_not_a_pdf_is_refused(self, demo, issued):
        check = signing.verify_signed_upload(
            issued=issued, signed=b"PK\x03\x04 docx", trusted_roots=[demo[1]]
        )
        assert (check.ok, check.reason) == (False, "Tệp tải lên không phải là tệp PDF đọc được.")

    def test_an_update_appended_after_signing_is_refused(self, demo, issued, signed):
        writer = IncrementalPdfFileWriter(BytesIO(signed))
        page_ref, _resources = writer.find_page_for_modification(0)
        annotation = writer.add_object(
            generic.DictionaryObject(
                {
                    "/Type": generic.NameObject("/Annot"),
                    "/Subtype": generic.NameObject("/Text"),
                    "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in (100, 100, 120, 120)]),
                    "/Contents": generic.TextStringObject("Ghi chú thêm sau khi ký"),
                }
            )
        )
        page = page_ref.get_object()
        annots = page.get("/Annots", generic.ArrayObject())
        annots = generic.ArrayObject([*annots, annotation])
        page["/Annots"] = annots
        writer.update_container(page)
        output = BytesIO()
        writer.write(output)
        extended = output.getvalue()
        assert extended.startswith(signed)

        check = signing.verify_signed_upload(issued=issued, signed=extended, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason.startswith("Tệp đã bị thay đổi sau khi ký: chữ ký không bao trùm toàn bộ tệp")

    def test_a_signature_revision_that_also_changes_a_page_is_refused(self, demo, issued):
        p12, root = demo
        writer = IncrementalPdfFileWriter(BytesIO(issued))
        overlay = writer.add_object(
            generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 40 re f Q")  # a red block
        )
        writer.add_stream_to_page(0, overlay)
        signed_changed = sign_with_pyhanko(writer, p12, PASSWORD)
        assert signed_changed.startswith(issued)

        check = signing.verify_signed_upload(issued=issued, signed=signed_changed, trusted_roots=[root])
        assert check.ok is False
        assert check.reason == (
            "Lần ký đã thay đổi nội dung văn bản so với bản đã phát hành (ngoài việc thêm chữ ký)."
        )

    def test_a_signature_revision_that_also_adds_a_note_is_refused(self, demo, issued):
        p12, root = demo
        writer = IncrementalPdfFileWriter(BytesIO(issued))
        page_ref, _resources = writer.find_page_for_modification(0)
        note = writer.add_object(
            generic.DictionaryObject(
                {
                    "/Type": generic.NameObject("/Annot"),
                    "/Subtype": generic.NameObject("/FreeText"),
                    "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in (100, 400, 400, 440)]),
                    "/Contents": generic.TextStringObject("Đã hủy"),
                    "/DA": generic.pdf_string("/Helv 24 Tf 1 0 0 rg"),
                }
            )
        )
        page = page_ref.get_object()
        page["/Annots"] = generic.ArrayObject([*page.get("/Annots", []), note])
        writer.update_container(page)
        signed_with_note = sign_with_pyhanko(writer, p12, PASSWORD)

        check = signing.verify_signed_upload(issued=issued, signed=signed_with_note, trusted_roots=[root])
        assert check.ok is False
        assert check.reason == (
            "Lần ký đã thay đổi nội dung văn bản so với bản đã phát hành (ngoài việc thêm chữ ký)."
        )

    def test_a_field_prepared_in_a_revision_of_its_own_is_refused(self, demo, issued):
        p12, root = demo
        writer = IncrementalPdfFileWriter(BytesIO(issued))
        fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name="Signature1"))
        prepared = BytesIO()
        writer.write(prepared)
        signed_later = sign_with_pyhanko(IncrementalPdfFileWriter(prepared), p12, PASSWORD)
        assert signed_later.startswith(issued)

        check = signing.verify_signed_upload(issued=issued, signed=signed_later, trusted_roots=[root])
        assert check.ok is False
        # An update that only prepares an empty field is not a signature.
        assert check.reason.startswith("Lần cập nhật thứ 1 sau bản đã phát hành không phải là một lần ký số")

    def test_an_expired_certificate_is_refused(self, tmp_path, issued):
        p12, root = make_certificate(tmp_path, not_after_days=-1)
        expired = sign_with_pyhanko(IncrementalPdfFileWriter(BytesIO(issued)), p12, "x")
        check = signing.verify_signed_upload(issued=issued, signed=expired, trusted_roots=[root])
        assert (check.ok, check.reason) == (False, "Chứng thư số đã hết hạn.")

    def test_a_certificate_not_meant_for_signing_is_refused(self, tmp_path, issued):
        p12, root = make_certificate(tmp_path, signing_usage=False)
        tls_only = sign_with_pyhanko(IncrementalPdfFileWriter(BytesIO(issued)), p12, "x")
        check = signing.verify_signed_upload(issued=issued, signed=tls_only, trusted_roots=[root])
        assert check.ok is False
        assert check.reason.startswith("Chứng thư số không được cấp cho mục đích ký số")

    def test_without_configured_roots_nothing_is_accepted(self, tmp_path, issued, signed):
        check = signing.verify_signed_upload(
            issued=issued, signed=signed, trusted_roots=[tmp_path / "none.pem"]
        )
        assert check.ok is False
        assert check.reason.startswith("Chưa cấu hình chứng thư gốc tin cậy")


ORGANISATION_SIGNER = "Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa)"


@pytest.fixture(scope="module")
def signed_by_person(issued, person):
    """The issued file signed by the competent person, with a tool of their own."""
    return sign_as(issued, person, PASSWORD)


@pytest.fixture(scope="module")
def signed_twice(demo, signed_by_person):
    """... then by the records office, with the organisation's certificate."""
    p12, _root = demo
    return signing.sign_pdf(
        signed_by_person,
        p12_path=p12,
        password=PASSWORD,
        signer_name="Văn thư",
        organisation=ISSUING_BODY,
    )


def add_red_block(pdf: bytes, page: int = 0) -> IncrementalPdfFileWriter:
    """A writer over ``pdf`` whose pending update draws over a page."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    overlay = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 100 400 200 40 re f Q"))
    writer.add_stream_to_page(page, overlay)
    return writer


def written(writer: IncrementalPdfFileWriter) -> bytes:
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


class TestSignedMoreThanOnce:
    """The competent person signs, then the records office adds the
    organisation's signature: both kept, each checked."""

    def test_a_file_signed_by_the_person_then_the_records_office_is_accepted(
        self, demo, issued, signed_by_person, signed_twice
    ):
        assert signed_twice.startswith(signed_by_person) and signed_by_person.startswith(issued)
        check = signing.verify_signed_upload(issued=issued, signed=signed_twice, trusted_roots=[demo[1]])
        assert check.ok, check.reason
        assert [(s.kind, s.name, s.organisation) for s in check.signatures] == [
            ("signature", PERSON_NAME, ORGANISATION),
            ("signature", ORGANISATION_SIGNER, ORGANISATION),
        ]
        assert [s.field for s in check.signatures] == ["ChuKyCaNhan", "ChuKySoCoQuan1"]
        first, second = (s.signed_at for s in check.signatures)
        assert first.tzinfo is not None and first <= second
        assert abs(second - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
        assert check.signed_at == second
        assert check.signer.startswith(f"{PERSON_NAME}, {ORGANISATION} (cấp bởi: cchc demo root")
        assert f"; {ORGANISATION_SIGNER}, {ORGANISATION}" in check.signer
        record = check.signatures[0].as_record()
        assert record["signed_at"] == first.isoformat() and record["name"] == PERSON_NAME

    def test_any_pdf_reader_validates_both_signatures(self, signed_twice, tmp_path):
        path = tmp_path / "signed-twice.pdf"
        path.write_bytes(signed_twice)
        output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert output.count("Signature Validation: Signature is Valid.") == 2
        assert f"Signer Certificate Common Name: {PERSON_NAME}" in output
        assert f"Signer Certificate Common Name: {ORGANISATION_SIGNER}" in output

    def test_a_second_signature_that_does_not_chain_to_a_trusted_root_is_refused_by_name(
        self, demo, other, issued, signed_by_person
    ):
        other_p12, _other_root = other
        signed_elsewhere = signing.sign_pdf(
            signed_by_person, p12_path=other_p12, password="khác", signer_name="Lạ", organisation="Lạ"
        )
        check = signing.verify_signed_upload(issued=issued, signed=signed_elsewhere, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == (
            "Chữ ký thứ 2/2 (Văn phòng Công ty Chữ ký Lạ (chứng thư minh họa)): "
            "Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy."
        )
        assert "Công ty Chữ ký Lạ" in check.signer and check.signatures == ()

    def test_a_first_signature_that_does_not_chain_is_refused_by_name(self, demo, other, issued):
        other_p12, _other_root = other
        first = sign_as(issued, other_p12, "khác")
        signed = signing.sign_pdf(
            first, p12_path=demo[0], password=PASSWORD, signer_name="Văn thư", organisation=ISSUING_BODY
        )
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason.startswith("Chữ ký thứ 1/2 (Văn phòng Công ty Chữ ký Lạ (chứng thư minh họa)): ")
        assert check.reason.endswith("không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy.")

    def test_an_update_changing_a_page_between_the_signatures_is_refused(
        self, demo, issued, signed_by_person
    ):
        changed = written(add_red_block(signed_by_person))
        signed = signing.sign_pdf(
            changed, p12_path=demo[0], password=PASSWORD, signer_name="Văn thư", organisation=ISSUING_BODY
        )
        assert signed.startswith(signed_by_person)
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason.startswith(
            "Lần cập nhật thứ 2 sau bản đã phát hành không phải là một lần ký số: ngoài các lần ký "
        )

    def test_a_second_signature_that_also_changes_a_page_is_refused_by_name(
        self, demo, issued, signed_by_person
    ):
        signed = sign_with_pyhanko(add_red_block(signed_by_person, page=1), demo[0], PASSWORD)
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == (
            f"Chữ ký thứ 2/2 ({ORGANISATION_SIGNER}): "
            "Lần ký đã thay đổi nội dung văn bản so với bản đã phát hành (ngoài việc thêm chữ ký)."
        )

    def test_a_note_added_after_both_signatures_is_refused(self, demo, issued, signed_twice):
        writer = IncrementalPdfFileWriter(BytesIO(signed_twice))
        page_ref, _resources = writer.find_page_for_modification(0)
        note = writer.add_object(
            generic.DictionaryObject(
                {
                    "/Type": generic.NameObject("/Annot"),
                    "/Subtype": generic.NameObject("/FreeText"),
                    "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in (100, 400, 400, 440)]),
                    "/Contents": generic.TextStringObject("Đã hủy"),
                    "/DA": generic.pdf_string("/Helv 24 Tf 1 0 0 rg"),
                }
            )
        )
        page = page_ref.get_object()
        page["/Annots"] = generic.ArrayObject([*page.get("/Annots", []), note])
        writer.update_container(page)
        check = signing.verify_signed_upload(issued=issued, signed=written(writer), trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason.startswith("Tệp đã bị thay đổi sau khi ký")

    def test_the_first_signature_altered_is_refused_by_name(self, demo, issued, signed_twice):
        offset = signed_twice.index(b"ChuKyCaNhan", len(issued))
        check = signing.verify_signed_upload(
            issued=issued, signed=flip_byte(signed_twice, offset), trusted_roots=[demo[1]]
        )
        assert check.ok is False
        assert check.reason == (
            f"Chữ ký thứ 1/2 ({PERSON_NAME}): Chữ ký không toàn vẹn: tệp đã bị sửa sau khi ký."
        )

    def test_a_signature_locking_the_document_refuses_a_later_signature(self, demo, person, issued):
        # The person's field locks the document (/Lock, DocMDP "no changes"):
        # readers then flag any later signature. pyHanko, signing, enforces
        # only a certification's DocMDP, so the second tool signs anyway.
        signer = signers.SimpleSigner.load_pkcs12(str(person), passphrase=PASSWORD.encode())
        meta = signers.PdfSignatureMetadata(field_name="KhoaVanBan", subfilter=fields.SigSeedSubFilter.PADES)
        spec = fields.SigFieldSpec(
            sig_field_name="KhoaVanBan",
            field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
            doc_mdp_update_value=fields.MDPPerm.NO_CHANGES,
        )
        output = BytesIO()
        signers.PdfSigner(meta, signer=signer, new_field_spec=spec).sign_pdf(
            IncrementalPdfFileWriter(BytesIO(issued)), output=output
        )
        locked = output.getvalue()
        assert signing.verify_signed_upload(issued=issued, signed=locked, trusted_roots=[demo[1]]).ok
        signed = signing.sign_pdf(
            locked, p12_path=demo[0], password=PASSWORD, signer_name="Văn thư", organisation=ISSUING_BODY
        )

        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == (
            f"Chữ ký thứ 1/2 ({PERSON_NAME}): Chữ ký không cho phép thay đổi văn bản sau khi ký "
            "(chữ ký chứng nhận hoặc ô chữ ký bị khóa), nhưng tệp đã được cập nhật sau đó."
        )

    def test_validation_data_and_a_document_timestamp_after_the_signatures_are_accepted(
        self, demo, issued, signed_twice
    ):
        _p12, root = demo
        root_key = root.parent / "demo-root-key.pem"
        # LTV: the certificates in a DSS, in an update of its own...
        embedded = PdfFileReader(BytesIO(signed_twice)).embedded_signatures
        stream = BytesIO(signed_twice)
        DocumentSecurityStore.add_dss(
            stream, embedded[-1].pkcs7_content, certs=[load_cert_from_pemder(str(root))]
        )
        with_dss = stream.getvalue()
        assert with_dss.startswith(signed_twice) and len(with_dss) > len(signed_twice)
        # ... then a document timestamp from a TSA the same root certified.
        timestamper = demo_timestamper(root_pem=root, root_key=root_key, password=PASSWORD)
        output = BytesIO()
        signers.PdfTimeStamper(timestamper).timestamp_pdf(
            IncrementalPdfFileWriter(BytesIO(with_dss)), md_algorithm="sha256", output=output
        )
        final = output.getvalue()

        check = signing.verify_signed_upload(issued=issued, signed=final, trusted_roots=[root])
        assert check.ok, check.reason
        assert [(s.kind, s.name) for s in check.signatures] == [
            ("signature", PERSON_NAME),
            ("signature", ORGANISATION_SIGNER),
            ("timestamp", "Dịch vụ cấp dấu thời gian minh họa"),
        ]
        assert check.signatures[2].signed_at >= check.signatures[1].signed_at
        # The signers are the two signatures; the timestamp is not a signer.
        assert check.signer.count("cấp bởi") == 2

    def test_a_signature_with_a_timestamp_token_is_accepted(self, demo, person, issued):
        _p12, root = demo
        timestamper = demo_timestamper(
            root_pem=root, root_key=root.parent / "demo-root-key.pem", password=PASSWORD
        )
        signed = sign_as(issued, person, PASSWORD, timestamper=timestamper)
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[root])
        assert check.ok, check.reason

    def test_a_timestamp_token_from_an_untrusted_authority_is_refused(self, demo, other, person, issued):
        _other_p12, other_root = other
        timestamper = demo_timestamper(
            root_pem=other_root, root_key=other_root.parent / "demo-root-key.pem", password="khác"
        )
        signed = sign_as(issued, person, PASSWORD, timestamper=timestamper)
        check = signing.verify_signed_upload(issued=issued, signed=signed, trusted_roots=[demo[1]])
        assert check.ok is False
        assert check.reason == (
            "Dấu thời gian kèm chữ ký không hợp lệ hoặc đơn vị cấp dấu thời gian không được tin cậy."
        )
        assert check.signer.startswith(PERSON_NAME)

    def test_up_to_five_updates_are_accepted_and_six_refused(self, demo, issued):
        p12, root = demo
        data = issued
        for _ in range(5):
            data = signing.sign_pdf(
                data, p12_path=p12, password=PASSWORD, signer_name="Văn thư", organisation=ISSUING_BODY
            )
        check = signing.verify_signed_upload(issued=issued, signed=data, trusted_roots=[root])
        assert check.ok, check.reason
        assert len(check.signatures) == 5
        sixth = signing.sign_pdf(
            data, p12_path=p12, password=PASSWORD, signer_name="Văn thư", organisation=ISSUING_BODY
        )
        check = signing.verify_signed_upload(issued=issued, signed=sixth, trusted_roots=[root])
        assert (check.ok, check.reason) == (
            False,
            "Tệp đã ký có 6 lần cập nhật sau bản đã phát hành: chỉ nhận tối đa 5 "
            "(mỗi lần thêm một chữ ký số).",
        )

    def test_read_signatures_lists_who_signed_without_validating(self, signed_twice):
        names = [(s.kind, s.name) for s in signing.read_signatures(signed_twice)]
        assert names == [("signature", PERSON_NAME), ("signature", ORGANISATION_SIGNER)]


class TestCommand:
    def test_it_refuses_unless_demo_data_is_allowed(self, settings, tmp_path):
        settings.CCHC_ALLOW_DEMO_DATA = False
        settings.CCHC_SIGNING_P12 = tmp_path / "signing" / "demo-signer.p12"
        settings.CCHC_TRUSTED_ROOTS = [tmp_path / "signing" / "demo-root.pem"]
        with pytest.raises(CommandError) as excinfo:
            call_command("create_demo_certificate", stdout=StringIO())
        assert "CCHC_ALLOW_DEMO_DATA đang tắt" in str(excinfo.value)
        assert not settings.CCHC_SIGNING_P12.exists()

    def test_it_creates_the_configured_files_once_and_says_they_are_for_demonstration(
        self, settings, tmp_path
    ):
        settings.CCHC_ALLOW_DEMO_DATA = True
        settings.CCHC_SIGNING_P12 = tmp_path / "keys" / "signer.p12"
        settings.CCHC_SIGNING_P12_DIR = str(tmp_path / "keys" / "bodies")
        settings.CCHC_SIGNING_P12_PASSWORD = "cchc-demo-signing"
        settings.CCHC_TRUSTED_ROOTS = [tmp_path / "roots" / "root.pem"]
        out = StringIO()
        call_command("create_demo_certificate", stdout=out)
        # One certificate per other demo issuing body, named for it.
        bodies = {
            signing.certificate_organisation(p12_path=path, password="cchc-demo-signing")
            for path in (tmp_path / "keys" / "bodies").glob("*.p12")
        }
        assert bodies == {"Văn phòng UBND tỉnh Quảng Nam", "UBND huyện Hương Sơn", "UBND thành phố Đà Nẵng"}
        output = out.getvalue()
        assert "Đã tạo chứng thư số minh họa" in output
        assert "TỰ KÝ chỉ để trình diễn" in output
        assert "UBND tỉnh Quảng Nam" in output
        assert settings.CCHC_SIGNING_P12.is_file() and settings.CCHC_TRUSTED_ROOTS[0].is_file()
        signer = signing.load_signer(settings.CCHC_SIGNING_P12, "cchc-demo-signing")
        assert signer.signing_cert.subject.native["organization_name"] == "UBND tỉnh Quảng Nam"

        before = settings.CCHC_SIGNING_P12.read_bytes()
        again = StringIO()
        call_command("create_demo_certificate", stdout=again)
        assert "đã có, giữ nguyên" in again.getvalue()
        assert settings.CCHC_SIGNING_P12.read_bytes() == before


# --------------------------------------------------------------------------
# Helpers for certificates the demo never makes
# --------------------------------------------------------------------------


def _pkcs1():
    from cryptography.hazmat.primitives.asymmetric import padding

    return padding.PKCS1v15()


def make_certificate(directory: Path, *, not_after_days: int = 365, signing_usage: bool = True):
    """A root and a signer certificate: expired if ``not_after_days`` is
    negative; for TLS only (no digitalSignature/nonRepudiation) if not
    ``signing_usage``. Returns (p12 path with password "x", root PEM path)."""
    now = dt.datetime.now(dt.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=800))
        .not_valid_after(now + dt.timedelta(days=800))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Người ký thử")]))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=not_after_days))
    )
    if signing_usage:
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    else:
        usage = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    cert = builder.add_extension(usage, critical=True).sign(root_key, hashes.SHA256())
    p12 = directory / "test.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"test", key, cert, [root], serialization.BestAvailableEncryption(b"x")
        )
    )
    root_path = directory / "test-root.pem"
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return p12, root_path

import datetime
from types import SimpleNamespace

import pytest

from cchc.access import clear_scope_cache
from cchc.choices import Role, UnitKind
from cchc.services import membership_create, unit_create, unit_end
from tests.factories import InspectionFactory, InspectionPlanFactory, ReformAreaFactory, UserFactory

pytest_plugins = ["tests.worker", "tests.oidc_provider.process"]

ENDED_ON = datetime.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The production hasher costs a third of a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(db):
    # Quảng Nam with a department and two districts with a commune each, and
    # a commune of Đại Lộc that ended on 30/6/2025, taken over by xã Vu Gia.
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Quảng Nam",
        short_name="UBND tỉnh Quảng Nam",
        kind=UnitKind.PROVINCE,
        code="49",
        document_symbol="UBND",
        place_name="Quảng Nam",
    )
    department = unit_create(
        name="Sở Nội vụ tỉnh Quảng Nam", short_name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=province
    )
    district_a = unit_create(
        name="Ủy ban nhân dân huyện Duy Xuyên",
        short_name="UBND huyện Duy Xuyên",
        kind=UnitKind.DISTRICT,
        parent=province,
        code="508",
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Duy Sơn",
        short_name="UBND xã Duy Sơn",
        kind=UnitKind.COMMUNE,
        parent=district_a,
        code="20620",
    )
    district_b = unit_create(
        name="Ủy ban nhân dân huyện Đại Lộc",
        short_name="UBND huyện Đại Lộc",
        kind=UnitKind.DISTRICT,
        parent=province,
        code="506",
    )
    commune_b = unit_create(
        name="Ủy ban nhân dân xã Đại Hiệp",
        short_name="UBND xã Đại Hiệp",
        kind=UnitKind.COMMUNE,
        parent=district_b,
    )
    old_commune = unit_create(
        name="Ủy ban nhân dân xã Đại Cường",
        short_name="UBND xã Đại Cường",
        kind=UnitKind.COMMUNE,
        parent=district_b,
    )
    successor = unit_create(
        name="Ủy ban nhân dân xã Vu Gia",
        short_name="UBND xã Vu Gia",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=ENDED_ON + datetime.timedelta(days=1),
    )
    unit_end(
        unit=old_commune,
        last_day=ENDED_ON,
        successors=[successor],
        legal_basis="Nghị quyết số 1659/NQ-UBTVQH15",
    )
    return SimpleNamespace(
        province=province,
        department=department,
        district_a=district_a,
        commune_a=commune_a,
        district_b=district_b,
        commune_b=commune_b,
        old_commune=old_commune,
        successor=successor,
    )


@pytest.fixture
def reform_areas(db):
    current = {
        code: ReformAreaFactory(
            code=code, name=name, position=position, valid_from_year=2021, valid_to_year=2030
        )
        for position, (code, name) in enumerate(
            [
                ("chi-dao-dieu-hanh", "Công tác chỉ đạo, điều hành"),
                ("the-che", "Cải cách thể chế"),
                ("tthc", "Cải cách thủ tục hành chính"),
                ("to-chuc-bo-may", "Cải cách tổ chức bộ máy hành chính nhà nước"),
                ("cong-vu", "Cải cách chế độ công vụ"),
                ("tai-chinh-cong", "Cải cách tài chính công"),
                ("chinh-quyen-so", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"),
            ],
            start=1,
        )
    }
    current["hien-dai-hoa"] = ReformAreaFactory(
        code="hien-dai-hoa",
        name="Hiện đại hóa hành chính",
        position=8,
        valid_from_year=2011,
        valid_to_year=2020,
        programme="Chương trình tổng thể CCHC nhà nước giai đoạn 2011 - 2020",
    )
    return SimpleNamespace(**{code.replace("-", "_"): area for code, area in current.items()})


@pytest.fixture
def make_member(db):
    def make(role, unit, **user_fields):
        user = UserFactory(**user_fields)
        membership_create(user=user, unit=unit, role=role)
        clear_scope_cache(user)
        return user

    return make


@pytest.fixture
def inspector(make_member, units):
    return make_member(Role.INSPECTOR, units.province, username="thanhtra.tinh")


@pytest.fixture
def administrator(make_member, units):
    return make_member(Role.ADMINISTRATOR, units.province, username="quantri")


@pytest.fixture
def leader(make_member, units):
    return make_member(Role.LEADER, units.district_a, username="lanhdao.duyxuyen")


@pytest.fixture
def officer_a(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.district_a, username="canbo.duyxuyen")


@pytest.fixture
def officer_b(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.district_b, username="canbo.dailoc")


@pytest.fixture
def successor_officer(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.successor, username="canbo.thubon")


@pytest.fixture
def outsider(db):
    return UserFactory(username="khong.phan.cong")


@pytest.fixture
def scenario(units):
    # The province's 2024 plan with issued inspections everywhere, its 2025
    # plan with a draft at Duy Xuyên, and Duy Xuyên's own plan for its
    # commune, still a draft.
    plan_2024 = InspectionPlanFactory(
        year=2024, number="2005/KH-UBND", issued_on=datetime.date(2024, 4, 16), issuer=units.province
    )
    plan_2025 = InspectionPlanFactory(
        year=2025, number="512/KH-UBND", issued_on=datetime.date(2025, 2, 10), issuer=units.province
    )
    plan_district = InspectionPlanFactory(
        year=2025, number="88/KH-UBND", issued_on=datetime.date(2025, 3, 3), issuer=units.district_a
    )
    return SimpleNamespace(
        plan_2024=plan_2024,
        plan_2025=plan_2025,
        plan_district=plan_district,
        issued_district_a=InspectionFactory(plan=plan_2024, unit=units.district_a, issued=True),
        issued_commune_a=InspectionFactory(plan=plan_2024, unit=units.commune_a, issued=True),
        issued_district_b=InspectionFactory(plan=plan_2024, unit=units.district_b, issued=True),
        issued_commune_b=InspectionFactory(plan=plan_2024, unit=units.commune_b, issued=True),
        issued_old_commune=InspectionFactory(plan=plan_2024, unit=units.old_commune, issued=True),
        issued_department=InspectionFactory(plan=plan_2024, unit=units.department, issued=True),
        draft_district_a=InspectionFactory(plan=plan_2025, unit=units.district_a),
        draft_commune_a=InspectionFactory(plan=plan_district, unit=units.commune_a),
    )


@pytest.fixture
def district_inspector(make_member, units):
    # An inspector of Duy Xuyên: the district's own plans are in scope, the
    # province's plans (even for inspections of Duy Xuyên) are not.
    return make_member(Role.INSPECTOR, units.district_a, username="thanhtra.duyxuyen")


@pytest.fixture
def other_province_inspector(make_member, db):
    # An inspector of another province: nothing of Quảng Nam is in scope.
    from tests.factories import UnitFactory

    other_province = UnitFactory(province=True, name="Ủy ban nhân dân tỉnh Quảng Ngãi")
    return make_member(Role.INSPECTOR, other_province, username="thanhtra.quangngai")


# Remediation (issue 5): real files of each type an upload may carry, a
# province inspection of Duy Xuyên with two open tasks, and a helper that
# completes a draft report.


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)


def _docx_document(text: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def pdf_document(objects, size: int | None = None) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalogue) with
    its cross-reference table, padded to ``size`` bytes with a comment."""
    head = b"%PDF-1.4\n"

    def build(padding: int) -> bytes:
        out = head + (b"%" + b"0" * padding + b"\n" if padding else b"")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        start = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
        return out

    plain = build(0)
    if size is None or size <= len(plain) + 2:
        return plain
    # The padding line moves the offsets; only "startxref"'s may grow a digit.
    padded = build(size - len(plain) - 2)
    return build(size - len(plain) - 2 - (len(padded) - size))


class UploadFiles:
    """Builders of uploaded files whose bytes are what they claim (or, for
    the refused ones, what an attacker would send). The browser's claimed
    content type is always "application/pdf": the checks must ignore it."""

    CLAIMED = "application/pdf"

    def _file(self, name: str, content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, content, content_type=self.CLAIMED)

    def pdf_bytes(
        self, size: int | None = None, extra: bytes = b"", objects: tuple[bytes, ...] = ()
    ) -> bytes:
        """A one-page PDF with a real cross-reference table (the gate parses
        it); ``extra`` goes into the catalogue, ``objects`` after the page
        (numbered from 4), ``size`` pads it with a comment."""
        return pdf_document(
            (
                b"<</Type/Catalog/Pages 2 0 R" + extra + b">>",
                b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
                b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
                *objects,
            ),
            size=size,
        )

    def pdf(self, name: str = "bao-cao-khac-phuc.pdf", size: int | None = None):
        return self._file(name, self.pdf_bytes(size))

    def docx_bytes(self, text: str = "Báo cáo kết quả khắc phục") -> bytes:
        return _zip_bytes(
            {
                "[Content_Types].xml": _DOCX_CONTENT_TYPES,
                "_rels/.rels": _DOCX_RELS,
                "word/document.xml": _docx_document(text),
            }
        )

    def docx(self, name: str = "bao-cao-khac-phuc.docx"):
        return self._file(name, self.docx_bytes())

    def xlsx_bytes(self) -> bytes:
        import io

        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Thủ tục hành chính", "Đã niêm yết"])
        sheet.append(["Cấp giấy khai sinh", "Có"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def xlsx(self, name: str = "danh-muc-tthc.xlsx"):
        return self._file(name, self.xlsx_bytes())

    def image_bytes(self, fmt: str) -> bytes:
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (16, 12), (200, 30, 30)).save(buffer, fmt)
        return buffer.getvalue()

    def png(self, name: str = "anh-niem-yet.png"):
        return self._file(name, self.image_bytes("PNG"))

    def jpeg(self, name: str = "anh-bo-phan-mot-cua.jpg"):
        return self._file(name, self.image_bytes("JPEG"))

    def exe_bytes(self) -> bytes:
        header = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
        return header + b"This program cannot be run in DOS mode.\r\r\n$"

    def exe(self, name: str = "bao-cao.pdf"):
        return self._file(name, self.exe_bytes())

    def zip_bomb_bytes(self, unpacked_mb: int = 64) -> bytes:
        # A DOCX-looking archive whose document expands a thousandfold.
        return _zip_bytes(
            {
                "[Content_Types].xml": _DOCX_CONTENT_TYPES,
                "_rels/.rels": _DOCX_RELS,
                "word/document.xml": b"0" * (unpacked_mb * 1024 * 1024),
            }
        )

    def zip_bomb(self, name: str = "bao-cao.docx"):
        return self._file(name, self.zip_bomb_bytes())


@pytest.fixture
def upload_files():
    return UploadFiles()


@pytest.fixture
def remediation_case(scenario, units):
    """The province's issued inspection of Duy Xuyên with two open tasks,
    due in 10 and 30 days."""
    from django.utils import timezone

    from tests.factories import RemediationTaskFactory

    today = timezone.localdate()
    inspection = scenario.issued_district_a
    first = RemediationTaskFactory(
        inspection=inspection,
        description="Niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
        deadline=today + datetime.timedelta(days=10),
    )
    second = RemediationTaskFactory(
        inspection=inspection,
        description="Ban hành quy chế làm việc của Ủy ban nhân dân huyện nhiệm kỳ 2021 - 2026.",
        deadline=today + datetime.timedelta(days=30),
    )
    return SimpleNamespace(inspection=inspection, tasks=[first, second], today=today)


@pytest.fixture
def fill_report(upload_files):
    """Complete a draft: a result and an explanation for every task, and the
    report document attached."""
    from inspections.choices import ItemProgress, ReportFileKind
    from inspections.remediation import report_file_add, report_item_save

    def fill(report, user, *, progress=ItemProgress.DONE):
        for item in report.items.select_related("report"):
            report_item_save(
                item=item,
                progress=progress,
                explanation=f"Đã thực hiện: {item.task.description}",
                user=user,
            )
        report_file_add(report=report, upload=upload_files.pdf(), kind=ReportFileKind.DOCUMENT, user=user)
        return report

    return fill


@pytest.fixture(autouse=True)
def rate_limits_reset():
    # The test client's address is always 127.0.0.1: its counts must not
    # run from one test into the next (the cache outlives the database).
    from cchc.ratelimit import rate_limit_reset

    rate_limit_reset("127.0.0.1")
    yield
    rate_limit_reset("127.0.0.1")

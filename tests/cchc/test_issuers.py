"""The issuing body's header, symbol and signing block (Nghị định 30/2020,
Phụ lục I), the checks of an issue date, the deployment check of the public
address, and the checks of uploaded signature and seal images."""

import datetime
from io import BytesIO

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from cchc.choices import UnitKind
from cchc.documents import images, issuers
from cchc.models import DraftingUnit, Seal, Signatory, Unit


@pytest.fixture(autouse=True)
def in_vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def committee(db):
    return Unit.objects.create(
        name="Ủy ban nhân dân tỉnh Quảng Trị",
        short_name="UBND tỉnh Quảng Trị",
        kind=UnitKind.PROVINCE,
        document_symbol="UBND",
        valid_to=datetime.date(2025, 6, 30),
    )


def test_a_committee_is_written_in_full_without_a_line_above(committee):
    nc = DraftingUnit.objects.create(unit=committee, code="NC", name="Phòng Nội chính", is_default=True)
    header = issuers.unit_header(committee, drafting=nc)
    assert header.issuing_body == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ"
    assert header.parent_body == ""
    assert header.symbol == "UBND-NC"
    assert issuers.archive_line(nc.code) == "Lưu: VT, NC."


def test_a_department_has_its_committee_above(committee):
    department = Unit.objects.create(
        name="Sở Nội vụ tỉnh Quảng Trị",
        short_name="Sở Nội vụ",
        kind=UnitKind.DEPARTMENT,
        parent=committee,
        document_symbol="SNV",
    )
    header = issuers.unit_header(department)
    assert header.parent_body == "UBND TỈNH QUẢNG TRỊ"
    assert header.issuing_body == "SỞ NỘI VỤ TỈNH QUẢNG TRỊ"


def test_who_signs_for_whom():
    committee = issuers.authority(
        collective="ỦY BAN NHÂN DÂN", head_title="CHỦ TỊCH", position="PHÓ CHỦ TỊCH", name="A"
    )
    assert (committee.signer_prefix, committee.signer_authority, committee.signer_position) == (
        "TM.",
        "ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    chair = issuers.authority(
        collective="ỦY BAN NHÂN DÂN", head_title="CHỦ TỊCH", position="CHỦ TỊCH", name="A"
    )
    assert (chair.signer_prefix, chair.signer_authority, chair.signer_position) == (
        "TM.",
        "ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    )
    deputy = issuers.authority(head_title="TRƯỞNG ĐOÀN", position="PHÓ TRƯỞNG ĐOÀN", name="B")
    assert (deputy.signer_prefix, deputy.signer_authority) == ("KT.", "TRƯỞNG ĐOÀN")
    office = issuers.authority(
        head_title="CHÁNH VĂN PHÒNG", position="CHUYÊN VIÊN", name="C", on_behalf="TL."
    )
    assert office.signer_prefix == "TL."


def test_an_ended_unit_or_signer_cannot_issue_and_the_message_says_so(committee):
    with pytest.raises(ValidationError, match="đã kết thúc hoạt động từ ngày 30/06/2025"):
        issuers.check_can_issue(unit=committee, issued_on=datetime.date(2025, 7, 1))
    signatory = Signatory.objects.create(
        unit=committee,
        full_name="Lê Đức Tiến",
        position="PHÓ CHỦ TỊCH",
        head_title="CHỦ TỊCH",
        valid_to=datetime.date(2023, 12, 31),
    )
    issuers.check_can_issue(unit=committee, issued_on=datetime.date(2023, 12, 31), signatory=signatory)
    with pytest.raises(ValidationError, match="không còn là người ký"):
        issuers.check_can_issue(unit=committee, issued_on=datetime.date(2024, 1, 2), signatory=signatory)


def test_the_public_url_is_required_in_production(settings):
    settings.CCHC_PUBLIC_URL = "http://127.0.0.1:8000"
    assert "cchc.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.CCHC_PUBLIC_URL = "https://cchc.example.gov.vn"
    assert "cchc.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]


def _png(mode="RGBA", size=(300, 120), fmt="PNG", colour=(0, 0, 200, 0)) -> bytes:
    output = BytesIO()
    Image.new(mode, size, colour if mode == "RGBA" else (255, 255, 255)).save(output, format=fmt)
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_png(fmt="JPEG", mode="RGB"), "PNG"),
        (_png(mode="RGB"), "trong suốt"),
        (_png(size=(40, 40)), "Kích thước"),
        (b"not an image", "không phải là ảnh PNG"),
    ],
)
def test_uploaded_images_are_checked(committee, data, message):
    seal = Seal(unit=committee, image=SimpleUploadedFile("dau.png", data))
    with pytest.raises(ValidationError, match=message):
        seal.full_clean()


def test_the_demo_images_are_transparent_pngs_marked_as_demonstrations():
    for data in (
        images.demo_signature_png("Trần Văn An"),
        images.demo_seal_png("Ủy ban nhân dân tỉnh Quảng Nam"),
    ):
        images.check_transparent_png(BytesIO(data))
        with Image.open(BytesIO(data)) as image:
            assert image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 0

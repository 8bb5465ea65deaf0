"""The view-model of official documents (cchc.documents.official): what is printed,
checked without a PDF, and the HTML it is laid out in (escaped)."""

import datetime
import json
import re
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.utils import timezone

from cchc.choices import DocumentKind, DocumentStatus, UnitKind
from cchc.documents import official
from cchc.models import OfficialDocument
from cchc.services import unit_create

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_province.json"
MARKUP = "<script>alert(1)</script><b>x</b>"


def seed_000() -> dict:
    """Introduction and the 5/5/6 points of Thông báo số 146/TB-ĐKT (seed
    000, Duy Xuyên), as the demo fixture holds them."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    inspection = next(i for plan in data["plans"] for i in plan["inspections"] if i["unit"] == "qn-duyxuyen")
    findings = inspection["findings"]
    return {
        "intro": [p.strip() for p in inspection["introduction"].split("\n\n") if p.strip()],
        "achievements": [f["text"] for f in findings["achievement"]],
        "shortcomings": [f["text"] for f in findings["shortcoming"]],
        "tasks": [f["text"] for f in findings["recommendation"]],
    }


def notice_content() -> dict:
    seed = seed_000()
    return {
        "intro": seed["intro"],
        "sections": [
            {"title": "I. Những kết quả đạt được", "points": seed["achievements"]},
            {
                "title": "II. Một số tồn tại, hạn chế",
                "paragraphs": [
                    "Bên cạnh những kết quả đạt được, công tác cải cách hành chính tại huyện Duy Xuyên "
                    "còn một số hạn chế cần được khắc phục, đó là:"
                ],
                "points": seed["shortcomings"],
            },
            {
                "title": "III. Nhiệm vụ trong thời gian đến",
                "paragraphs": [
                    "Để thực hiện hiệu quả hơn công tác cải cách hành chính tại huyện Duy Xuyên trong thời "
                    "gian đến, Đoàn kiểm tra đề nghị Ủy ban nhân dân huyện Duy Xuyên quan tâm thực hiện "
                    "một số nội dung sau:"
                ],
                "points": seed["tasks"],
            },
        ],
    }


def province_unit():
    return unit_create(
        name="Ủy ban nhân dân tỉnh Quảng Nam",
        short_name="UBND tỉnh Quảng Nam",
        kind=UnitKind.PROVINCE,
        document_symbol="UBND",
        place_name="Quảng Nam",
    )


def make_document(unit, **fields) -> OfficialDocument:
    """Thông báo số 146/TB-ĐKT ngày 08/11/2019 (seed 000), issued; any field
    can be overridden (``status="draft"`` leaves number and date blank)."""
    values = {
        "kind": DocumentKind.CONCLUSION_NOTICE,
        "status": DocumentStatus.ISSUED,
        "issuing_unit": unit,
        "register_series": "team:1",
        "parent_body": "UBND tỉnh Quảng Nam",
        "issuing_body": "Đoàn kiểm tra công tác cải cách hành chính năm 2019",
        "type_code": "TB",
        "symbol": "ĐKT",
        "number": 146,
        "year": 2019,
        "issued_on": datetime.date(2019, 11, 8),
        "place": "Quảng Nam",
        "type_name": "Thông báo",
        "summary": "Kết luận kiểm tra công tác cải cách hành chính tại huyện Duy Xuyên",
        "content": notice_content(),
        "signer_prefix": "KT.",
        "signer_authority": "Trưởng đoàn",
        "signer_position": "Phó trưởng đoàn",
        "signer_name": "Lê Ngọc Quảng",
        "recipients": [
            "Ban Chỉ đạo CCHC tỉnh",
            "Các thành viên Đoàn kiểm tra",
            "UBND huyện Duy Xuyên",
            "CVP, PCVP Lê Ngọc Quảng",
        ],
        "archive_line": "Lưu: VT, KSTTHC (K.Phương).",
    }
    values.update(fields)
    if values["status"] == DocumentStatus.DRAFT:
        if "number" not in fields:
            values["number"] = None
        if "issued_on" not in fields:
            values["issued_on"] = None
    document = OfficialDocument(**values)
    document.full_clean()
    document.save()
    return document


def cong_van(unit, **fields) -> OfficialDocument:
    """A công văn like seed 004: no type code, a "V/v" summary, several
    addressees."""
    values = {
        "kind": DocumentKind.FOLLOW_UP_LETTER,
        "register_series": f"unit:{unit.pk}",
        "parent_body": "",
        "issuing_body": "Ủy ban nhân dân tỉnh Quảng Trị",
        "type_code": "",
        "type_name": "",
        "symbol": "UBND-NC",
        "number": 12,
        "year": 2023,
        "issued_on": datetime.date(2023, 12, 1),
        "place": "Quảng Trị",
        "summary": (
            "V/v chấn chỉnh, khắc phục một số tồn tại, hạn chế qua kết quả kiểm tra công tác CCHC năm 2023"
        ),
        "addressee": "Các cơ quan chuyên môn thuộc UBND tỉnh; Ban quản lý Khu kinh tế tỉnh; "
        "UBND các huyện, thị xã, thành phố",
        "content": {
            "intro": ["Qua kiểm tra, Đoàn kiểm tra công tác cải cách hành chính năm 2023 cho thấy:"],
            "sections": [
                {
                    "points": [
                        "Nâng cao trách nhiệm người đứng đầu trong thực hiện nhiệm vụ cải cách hành chính.",
                        "Thực hiện nghiêm túc công tác rà soát, kiểm tra văn bản quy phạm pháp luật.",
                    ]
                }
            ],
            "closing": ["Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện."],
        },
        "signer_prefix": "KT.",
        "signer_authority": "Chủ tịch",
        "signer_position": "Phó Chủ tịch",
        "signer_name": "Lê Đức Tiến",
        "recipients": ["Như trên", "Trung tâm PVHCC tỉnh"],
        "archive_line": "Lưu: VT, NC.",
    }
    values.update(fields)
    return make_document(unit, **values)


def appendix_content(units: int = 3, points: int = 2) -> dict:
    return {
        "title": "Tồn tại, hạn chế của từng đơn vị",
        "subtitle": "",
        "units": [
            {
                "name": f"Ủy ban nhân dân xã Sơn {index}",
                "points": [
                    f"Hạn chế thứ {p} của xã Sơn {index}: hồ sơ thủ tục hành chính giải quyết quá hạn "
                    "chưa có văn bản xin lỗi người dân, tổ chức."
                    for p in range(1, points + 1)
                ],
            }
            for index in range(1, units + 1)
        ],
        "closing": ["Các đơn vị báo cáo kết quả khắc phục trước ngày 30/8/2023."],
    }


def report(unit, **fields) -> OfficialDocument:
    """Báo cáo số 02/BC-ĐKT ngày 05/7/2023 (seed 003)."""
    values = {
        "kind": DocumentKind.INSPECTION_REPORT,
        "register_series": "team:2",
        "parent_body": "UBND huyện Hương Sơn",
        "issuing_body": "Đoàn kiểm tra cải cách hành chính",
        "type_code": "BC",
        "type_name": "BÁO CÁO",
        "number": 2,
        "year": 2023,
        "issued_on": datetime.date(2023, 7, 5),
        "place": "Hương Sơn",
        "summary": (
            "Kết quả kiểm tra cải cách hành chính trong 6 tháng đầu năm 2023 tại UBND các xã, thị trấn"
        ),
        "addressee": "Ủy ban nhân dân huyện",
        "content": {
            "intro": ["Thực hiện Kế hoạch số 54/KH-UBND ngày 28/4/2023 của Ủy ban nhân dân huyện."],
            "sections": [
                {"title": "I. KẾT QUẢ CHÍNH ĐẠT ĐƯỢC", "points": ["Triển khai đồng bộ."], "numbered": False}
            ],
        },
        "archive_line": "Lưu: VT, ĐKT.",
        "recipients": ["Như trên"],
    }
    values.update(fields)
    return make_document(unit, **values)


@pytest.fixture
def unit(db):
    return province_unit()


@pytest.fixture
def notice(unit):
    return make_document(unit)


class TestHeader:
    def test_issued_notice(self, notice):
        view = official.document_view(notice)
        assert view.parent_body == "UBND TỈNH QUẢNG NAM"
        assert view.issuing_body == "ĐOÀN KIỂM TRA CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2019"
        assert view.number_line == "Số: 146/TB-ĐKT"
        assert view.place_date == "Quảng Nam, ngày 08 tháng 11 năm 2019"
        assert view.nation == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert view.motto == "Độc lập - Tự do - Hạnh phúc"
        assert view.type_name == "THÔNG BÁO"
        assert view.summary == "Kết luận kiểm tra công tác cải cách hành chính tại huyện Duy Xuyên"
        assert view.subject_line == ""
        assert not view.is_draft

    def test_a_number_below_ten_has_a_leading_zero(self, unit):
        view = official.document_view(make_document(unit, number=7))
        assert view.number_line == "Số: 07/TB-ĐKT"

    def test_a_draft_leaves_number_and_day_blank(self, unit):
        draft = make_document(unit, status=DocumentStatus.DRAFT, year=2019)
        view = official.document_view(draft)
        assert view.is_draft
        assert view.number_line == "Số:      /TB-ĐKT"
        assert view.place_date == "Quảng Nam, ngày     tháng     năm 2019"
        assert view.draft_label == "DỰ THẢO"
        assert view.verification is None

    def test_a_draft_without_a_year_takes_this_year(self, unit):
        draft = make_document(unit, status=DocumentStatus.DRAFT, year=None)
        year = timezone.localdate().year
        assert official.document_view(draft).place_date.endswith(f"năm {year}")

    @pytest.mark.parametrize(
        ("date", "expected"),
        [
            (datetime.date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
            (datetime.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
            (datetime.date(2024, 3, 15), "ngày 15 tháng 3 năm 2024"),
            (datetime.date(2023, 7, 5), "ngày 05 tháng 7 năm 2023"),
            (datetime.date(2024, 10, 1), "ngày 01 tháng 10 năm 2024"),
            (datetime.date(2019, 12, 31), "ngày 31 tháng 12 năm 2019"),
        ],
    )
    def test_month_rule(self, date, expected):
        assert official.format_long_date(date) == expected
        assert official.place_date_line("Quảng Nam", date) == f"Quảng Nam, {expected}"

    def test_type_name_from_the_type_code_when_missing(self, unit):
        view = official.document_view(make_document(unit, type_name=""))
        assert view.type_name == "THÔNG BÁO"

    def test_cong_van_has_v_v_under_the_number_and_no_type_line(self, unit):
        view = official.document_view(cong_van(unit))
        assert view.type_name == ""
        assert view.summary == ""
        assert view.subject_line.startswith("V/v chấn chỉnh, khắc phục")
        assert view.number_line == "Số: 12/UBND-NC"
        assert view.place_date == "Quảng Trị, ngày 01 tháng 12 năm 2023"
        assert view.parent_body == ""
        assert view.addressees == [
            "- Các cơ quan chuyên môn thuộc UBND tỉnh;",
            "- Ban quản lý Khu kinh tế tỉnh;",
            "- UBND các huyện, thị xã, thành phố.",
        ]

    def test_cong_van_summary_gets_v_v_when_typed_without(self, unit):
        view = official.document_view(cong_van(unit, summary="chấn chỉnh công tác CCHC"))
        assert view.subject_line == "V/v chấn chỉnh công tác CCHC"

    def test_one_addressee_is_one_line(self, unit):
        view = official.document_view(report(unit))
        assert view.addressees == ["Ủy ban nhân dân huyện"]


class TestBody:
    def test_sections_and_points_in_order(self, notice):
        view = official.document_view(notice)
        seed = seed_000()
        assert [s.title for s in view.sections] == [
            "I. Những kết quả đạt được",
            "II. Một số tồn tại, hạn chế",
            "III. Nhiệm vụ trong thời gian đến",
        ]
        assert [len(s.points) for s in view.sections] == [5, 5, 6]
        assert [p.marker for p in view.sections[2].points] == ["1.", "2.", "3.", "4.", "5.", "6."]
        assert [p.text for p in view.sections[0].points] == seed["achievements"]
        assert [p.text for p in view.sections[1].points] == seed["shortcomings"]
        assert view.sections[1].paragraphs[0].startswith("Bên cạnh những kết quả đạt được")
        assert view.intro == seed["intro"]

    def test_the_last_paragraph_ends_with_the_end_mark(self, notice):
        view = official.document_view(notice)
        last = view.sections[-1].points[-1].text
        assert last.endswith("ISO 9001:2015./.")
        assert last.count("./.") == 1
        assert official.with_end_mark("Thực hiện./.") == "Thực hiện./."
        assert official.with_end_mark("Yêu cầu các cơ quan thực hiện:") == "Yêu cầu các cơ quan thực hiện./."

    def test_closing_takes_the_end_mark_when_present(self, unit):
        view = official.document_view(cong_van(unit))
        assert view.closing == ["Yêu cầu các cơ quan, đơn vị, địa phương nghiêm túc triển khai thực hiện./."]
        assert not view.sections[0].points[-1].text.endswith("./.")

    def test_unnumbered_points_are_dashes(self, unit):
        view = official.document_view(report(unit))
        assert [(p.marker, p.text) for p in view.sections[0].points] == [("-", "Triển khai đồng bộ./.")]

    def test_legal_bases_one_a_line(self, unit):
        content = {
            "legal_bases": [
                "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
                "  ",
                "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
            ],
            "intro": ["Nội dung."],
        }
        view = official.document_view(make_document(unit, content=content))
        assert view.legal_bases == [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
        ]

    def test_text_is_normalised_to_nfc(self, unit):
        decomposed = "Thu\u0309 tu\u0323c ha\u0300nh chi\u0301nh"
        view = official.document_view(make_document(unit, content={"intro": [decomposed]}))
        assert view.intro == ["Thủ tục hành chính./."]

    def test_empty_content_is_fine(self, unit):
        view = official.document_view(make_document(unit, content={}))
        assert (view.intro, view.sections, view.closing, view.appendix) == ([], [], [], None)


class TestSignOff:
    def test_signing_block(self, notice):
        signing = official.document_view(notice).signing
        assert signing.titles == ["KT. TRƯỞNG ĐOÀN", "PHÓ TRƯỞNG ĐOÀN"]
        assert signing.name == "Lê Ngọc Quảng"

    def test_signing_block_without_prefix(self, unit):
        document = make_document(unit, signer_prefix="", signer_authority="", signer_position="Trưởng đoàn")
        assert official.document_view(document).signing.titles == ["TRƯỞNG ĐOÀN"]

    def test_recipients(self, notice):
        recipients = official.document_view(notice).recipients
        assert recipients.heading == "Nơi nhận:"
        assert recipients.lines == [
            "- Ban Chỉ đạo CCHC tỉnh;",
            "- Các thành viên Đoàn kiểm tra;",
            "- UBND huyện Duy Xuyên;",
            "- CVP, PCVP Lê Ngọc Quảng;",
            "- Lưu: VT, KSTTHC (K.Phương).",
        ]

    def test_verification_url_and_qr(self, notice, settings):
        settings.CCHC_PUBLIC_URL = "https://cchc.quangnam.gov.vn"
        verification = official.document_view(notice).verification
        assert verification.code == notice.verification_code
        assert verification.url == f"https://cchc.quangnam.gov.vn/verify/{notice.verification_code}/"
        assert verification.qr_data_uri.startswith("data:image/svg+xml")
        expected = segno.make(verification.url, error="m").svg_data_uri(border=0, dark="#000", light=None)
        assert verification.qr_data_uri == expected


class TestAppendix:
    def test_appendix_view_of_a_report(self, unit):
        document = report(unit, content={"intro": ["Nội dung."], "appendix": appendix_content()})
        appendix = official.appendix_view(document)
        assert appendix.heading == "PHỤ LỤC"
        assert appendix.title == "TỒN TẠI, HẠN CHẾ CỦA TỪNG ĐƠN VỊ"
        assert appendix.subtitle == (
            "(Kèm theo Báo cáo số 02/BC-ĐKT ngày 05 tháng 7 năm 2023 của Đoàn kiểm tra cải cách hành chính)"
        )
        assert [(u.number, u.name) for u in appendix.units] == [
            (1, "Ủy ban nhân dân xã Sơn 1"),
            (2, "Ủy ban nhân dân xã Sơn 2"),
            (3, "Ủy ban nhân dân xã Sơn 3"),
        ]
        assert {p.marker for u in appendix.units for p in u.points} == {"-"}
        assert appendix.closing == ["Các đơn vị báo cáo kết quả khắc phục trước ngày 30/8/2023."]

    def test_a_separate_appendix_refers_to_its_report(self, unit):
        main = report(unit)
        appendix_document = make_document(
            unit,
            kind=DocumentKind.REPORT_APPENDIX,
            parent=main,
            number=None,
            type_code="BC",
            symbol="ĐKT",
            register_series="team:2",
            summary="Tồn tại, hạn chế của từng đơn vị được kiểm tra",
            content={"appendix": appendix_content()},
        )
        appendix = official.appendix_view(appendix_document)
        assert appendix.subtitle == (
            "(Kèm theo Báo cáo số 02/BC-ĐKT ngày 05 tháng 7 năm 2023 của Đoàn kiểm tra cải cách hành chính)"
        )
        html = official.document_html(appendix_document)
        assert "PHỤ LỤC" in html and "Ủy ban nhân dân xã Sơn 3" in html
        assert "CỘNG HÒA XÃ HỘI" not in html
        assert official.appendix_html(appendix_document) == html

    def test_a_written_subtitle_is_kept(self, unit):
        content = {"appendix": {**appendix_content(), "subtitle": "(Kèm theo Báo cáo kết quả kiểm tra)"}}
        document = report(unit, content=content)
        assert official.appendix_view(document).subtitle == "(Kèm theo Báo cáo kết quả kiểm tra)"

    def test_a_draft_report_has_no_reference_yet(self, unit):
        document = report(unit, status=DocumentStatus.DRAFT, content={"appendix": appendix_content()})
        assert official.appendix_view(document).subtitle == ""


class TestHtml:
    def test_notice_html(self, notice):
        html = official.document_html(notice)
        assert "Số: 146/TB-ĐKT" in html
        assert "Quảng Nam, ngày 08 tháng 11 năm 2019" in html
        assert "official/official.css" in html
        assert 'class="type-name">THÔNG BÁO<' in html
        assert notice.verification_code in html
        assert "DỰ THẢO" not in html

    def test_user_markup_is_escaped(self, unit):
        content = notice_content()
        content["sections"][0]["points"].append(MARKUP)
        document = make_document(
            unit, content=content, summary=f"Kết luận {MARKUP}", signer_name=MARKUP, recipients=[MARKUP]
        )
        html = official.document_html(document)
        assert "<script>" not in html
        assert "<b>x</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html

    def test_draft_html_has_the_label(self, unit):
        html = official.document_html(make_document(unit, status=DocumentStatus.DRAFT))
        assert html.count("DỰ THẢO") == 2  # the label and the watermark
        assert re.search(r"Số:\s+/TB-ĐKT", html)

    def test_cong_van_html(self, unit):
        html = official.document_html(cong_van(unit))
        assert 'class="subject">V/v chấn chỉnh' in html
        assert "type-name" not in html
        assert "Kính gửi:" in html

    def test_report_with_inline_appendix(self, unit):
        html = official.document_html(report(unit, content={"appendix": appendix_content()}))
        body, appendix = html.split('<div class="appendix">')
        assert "Kính gửi:" in body and "PHỤ LỤC" not in body
        assert "PHỤ LỤC" in appendix and "Ủy ban nhân dân xã Sơn 1" in appendix

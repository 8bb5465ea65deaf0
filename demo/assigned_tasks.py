"""Seeds 004 and 002 as documents that assign tasks, built on the demo
province (Quảng Nam's 2019 plan): the công văn with the thirteen points of
seed 004, and the conference conclusions with the nine points of seed 002,
each point assigned as the seed assigns it. Used by the tests and the
browser journey; nothing in the product imports it."""

from __future__ import annotations

import datetime

from cchc.choices import UnitKind
from cchc.documents.services import document_update
from cchc.models import OfficialDocument, Unit
from inspections import assignments
from inspections.choices import DeadlineKind, Recurrence, UnitGroup
from inspections.drafting import conference_draft, follow_up_draft
from inspections.models import InspectionPlan

PLAN_NUMBER = "2005/KH-UBND"
ISSUED_ON = datetime.date(2019, 12, 2)

# Seed 004's numbered points (its text extracted from the scan). The scan has
# no point 11 (the numbering goes 10, 12, 13); the demo keeps the seed's
# numbers with a point 11 that assigns nothing.
SEED_004_POINTS = [
    "Nâng cao trách nhiệm người đứng đầu cấp ủy, cơ quan, đơn vị, địa phương trong việc thực hiện nhiệm vụ "
    "cải cách hành chính.",
    "Thực hiện nghiêm túc công tác rà soát, kiểm tra văn bản quy "
    "phạm pháp luật (QPPL); tuyên truyền phổ biến "
    "giáo dục pháp luật; tham mưu ban hành văn bản QPPL đúng quy trình, thủ tục, thời gian quy định.",
    "Thực hiện nghiêm việc số hoá 100% thành phần và kết quả hồ sơ giải quyết TTHC lên phần mềm Hệ thống "
    "thông tin giải quyết TTHC tỉnh.",
    "Có giải pháp cụ thể để nâng cao tỷ lệ hồ sơ nộp trực tuyến, hồ sơ thanh toán trực tuyến, tỷ lệ số hoá "
    "hồ sơ TTHC để đảm bảo đạt tỷ lệ theo quy định.",
    "Người đứng đầu các cơ quan, đơn vị chỉ đạo cán bộ, công chức, "
    "viên chức trong thực thi nhiệm vụ, công vụ "
    "chấp hành nghiêm kỷ luật, kỷ cương hành chính và nội quy, quy chế của cơ quan, đơn vị.",
    "Tăng cường công tác đào tạo, bồi dưỡng, hỗ trợ, hướng dẫn nghiệp vụ, tập huấn thao tác trên phần mềm "
    "cho công chức chuyên môn.",
    "Đẩy nhanh tiến độ giải ngân vốn đầu tư công do cơ quan, đơn vị làm chủ đầu tư.",
    "Thường xuyên đầu tư, nâng cấp hạ tầng công nghệ thông tin và tăng cường ứng dụng công nghệ thông tin "
    "trong hoạt động của cơ quan, đơn vị.",
    "Đẩy mạnh công tác tuyên truyền để tạo chuyển biến mạnh mẽ "
    "trong nhận thức của đội ngũ cán bộ, công chức, "
    "viên chức và người dân, doanh nghiệp về công tác cải cách hành chính.",
    "Đối với UBND cấp huyện, cấp xã: Chỉ đạo, tăng cường hoạt động của Tổ công nghệ số cộng đồng ở các thôn, "
    "khu phố cùng với Đoàn Thanh niên nhằm tuyên truyền, hướng dẫn người dân sử dụng các nền tảng số.",
    "Các cơ quan, đơn vị, địa phương tiếp tục thực hiện các nhiệm vụ cải cách hành chính theo kế hoạch.",
    "Giao Sở Tài chính tham mưu, giải quyết kiến nghị, đề xuất xem xét lại quy trình, hình thức mua sắm tập "
    "trung, tạo điều kiện thuận lợi cho các cơ quan, đơn vị thực hiện nhiệm vụ.",
    "Giao Sở Nội vụ theo dõi, đôn đốc việc thực hiện nhiệm vụ của các cơ quan, đơn vị đối với nhiệm vụ được "
    "giao tại văn bản này; báo cáo kết quả thực hiện với Chủ tịch UBND tỉnh.",
]

# Seed 002's nine numbered points.
SEED_002_POINTS = [
    "Thống nhất nội dung dự thảo Báo cáo kết quả đánh giá Chỉ số Cải cách hành chính năm 2019.",
    "Tổ chức triển khai có hiệu quả các văn bản chỉ đạo về công tác Cải cách hành chính. Đề ra biện pháp "
    "khắc phục đối với các lĩnh vực có tiêu chí, tiêu chí thành phần bị trừ điểm.",
    "Chú ý nội dung sáng kiến trong công tác Cải cách hành chính, "
    "khắc phục tình trạng báo cáo trễ thời gian.",
    "Xem xét kết quả thực hiện công tác CCHC của từng cơ quan, đơn "
    "vị vào nội dung nhận xét đánh giá, xếp loại "
    "cuối năm.",
    "Các sở, ban, ngành kiểm tra, rà soát lại các thủ tục hành chính không thực hiện qua cơ chế một cửa. "
    "Báo cáo về Sở Nội vụ để tổng hợp.",
    "Các cơ quan, đơn vị tăng cường ứng dụng công nghệ thông tin vào phục vụ quản lý hành chính và cải cách "
    "hành chính.",
    "Thực hiện tốt công tác kiểm soát thủ tục hành chính, định kỳ báo cáo theo đúng thời gian quy định để "
    "Văn phòng UBND tỉnh tổng hợp, báo cáo.",
    "Các sở, ban, ngành chưa hoàn thành việc xây dựng quy trình ISO theo Bộ TTHC mới thì khẩn trương xây "
    "dựng, gửi thẩm định trong tháng 12/2019.",
    "Văn phòng UBND tỉnh chỉ đạo công chức phụ trách đăng tải Bộ TTHC lên Cổng thông tin điện tử tỉnh.",
]


def _province_units(plan: InspectionPlan):
    province = plan.issuer
    units = Unit.objects.active_on(ISSUED_ON)
    return {
        "province": province,
        "home_affairs": units.get(parent=province, short_name="Sở Nội vụ"),
        "finance": units.get(parent=province, short_name="Sở Tài chính"),
        "zone_board": units.get(parent=province, name__startswith="Ban Quản lý các Khu kinh tế"),
        "office": units.get(parent=province, kind=UnitKind.OFFICE, name__startswith="Văn phòng"),
    }


def _with_points(document: OfficialDocument, points: list[str]) -> OfficialDocument:
    """The drafter types the seed's points into the last (numbered) section."""
    content = dict(document.content)
    sections = [dict(s) for s in content["sections"]]
    sections[-1]["points"] = points
    content["sections"] = sections
    document_update(document=document, content=content)
    document.refresh_from_db()
    return document


def seed_004_letter(*, user=None) -> OfficialDocument:
    """Seed 004's công văn as a draft with its assignments: points 1–9 to
    every recipient in "Kính gửi" (the departments, the economic-zone board,
    the districts), 10 to the district and commune committees, 12 to Sở Tài
    chính, 13 to Sở Nội vụ (its monitoring duty); Sở Nội vụ monitors all."""
    plan = InspectionPlan.objects.get(number=PLAN_NUMBER)
    units = _province_units(plan)
    letter = _with_points(follow_up_draft(plan=plan, user=user), SEED_004_POINTS)
    recipients = list(
        Unit.objects.active_on(ISSUED_ON).filter(
            parent=units["province"], kind__in=(UnitKind.DEPARTMENT, UnitKind.DISTRICT)
        )
    ) + [units["zone_board"]]
    letter.recipient_units.set(recipients)
    letter.addressee = (
        "Các cơ quan chuyên môn thuộc UBND tỉnh; Ban quản lý Khu kinh tế tỉnh; "
        "UBND các huyện, thị xã, thành phố"
    )
    letter.save(update_fields=["addressee"])
    section = len(letter.content["sections"]) - 1
    common = {"document": letter, "section": section, "monitoring_unit": units["home_affairs"], "user": user}
    for point in range(1, 10):
        assignments.assignment_save(
            point=point,
            units=[],
            groups=[UnitGroup.RECIPIENTS],
            deadline_kind=DeadlineKind.WORKING_DAYS,
            days=20,
            **common,
        )
    assignments.assignment_save(
        point=10,
        units=[],
        groups=[UnitGroup.DISTRICTS, UnitGroup.COMMUNES],
        deadline_kind=DeadlineKind.WORKING_DAYS,
        days=20,
        **common,
    )
    assignments.assignment_save(
        point=12,
        units=[units["finance"]],
        groups=[],
        deadline_kind=DeadlineKind.DATE,
        deadline_date=datetime.date(2019, 12, 31),
        **common,
    )
    assignments.assignment_save(
        point=13,
        units=[units["home_affairs"]],
        groups=[],
        deadline_kind=DeadlineKind.DATE,
        deadline_date=datetime.date(2020, 1, 15),
        **{**common, "monitoring_unit": None},
    )
    return letter


def seed_002_notice(*, user=None) -> OfficialDocument:
    """Seed 002's conference conclusions as a draft with its assignments:
    2, 3, 6 to the departments and districts; 5 to the departments, reported
    to Sở Nội vụ within 30 days; 7 periodic (quarterly) to the departments
    and districts, consolidated by the committee's office; 8 to the
    departments by 31/12/2019 ("trong tháng 12"); 9 to the office."""
    plan = InspectionPlan.objects.get(number=PLAN_NUMBER)
    units = _province_units(plan)
    notice = _with_points(conference_draft(plan=plan, user=user), SEED_002_POINTS)
    section = len(notice.content["sections"]) - 1
    common = {"document": notice, "section": section, "user": user}
    everyone = [UnitGroup.DEPARTMENTS, UnitGroup.DISTRICTS]
    for point in (2, 3, 6):
        assignments.assignment_save(
            point=point,
            units=[],
            groups=everyone,
            deadline_kind=DeadlineKind.DAYS,
            days=30,
            monitoring_unit=units["home_affairs"],
            **common,
        )
    assignments.assignment_save(
        point=5,
        units=[],
        groups=[UnitGroup.DEPARTMENTS],
        deadline_kind=DeadlineKind.DAYS,
        days=30,
        monitoring_unit=units["home_affairs"],
        **common,
    )
    assignments.assignment_save(
        point=7,
        units=[],
        groups=everyone,
        deadline_kind=DeadlineKind.PERIODIC,
        recurrence=Recurrence.QUARTERLY,
        first_due=datetime.date(2019, 12, 31),
        monitoring_unit=units["office"],
        **common,
    )
    assignments.assignment_save(
        point=8,
        units=[],
        groups=[UnitGroup.DEPARTMENTS],
        deadline_kind=DeadlineKind.DATE,
        deadline_date=datetime.date(2019, 12, 31),
        monitoring_unit=units["home_affairs"],
        **common,
    )
    assignments.assignment_save(
        point=9,
        units=[units["office"]],
        groups=[],
        deadline_kind=DeadlineKind.DAYS,
        days=15,
        monitoring_unit=units["home_affairs"],
        **common,
    )
    return notice

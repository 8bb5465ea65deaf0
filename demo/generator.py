"""Realistic demo data at the scale of a province or of the country, for
trying the dashboards and measuring them (``manage.py generate_demo_data``).

The shape follows the 2025 reform: until 30/6/2025, 63 provinces with about
700 districts (huyện) and 10,000 communes (xã); from 1/7/2025, 34 provinces
(11 unchanged, 23 formed by merging 52) with 3,321 communes directly under
them, no districts. Every unit that ended keeps its history and has
succession links: an old commune to the new commune that absorbed it, an old
district to the new communes that took its territory, an old province and
its departments to the merged ones. A few communes were already merged on
1/1/2020, so some histories go through two mergers.

Ten years of inspection plans (2017-2026) with their inspections, findings
by reform area (each unit has weak areas, so shortcomings recur at the next
inspection), remediation tasks in every state with the reports that
answered them, and ten years of indicator tables (2016-2025, Phụ lục 03 and
07 of the catalogue as the indicators app loads it), with figures that
improve over the years.

Everything is random but seeded: the same seed builds the same data. Rows
are written with ``bulk_create`` in batches, with ids allocated here (so
``path`` and the foreign keys are known before the insert, with no
per-row save); the sequences are reset afterwards. It all runs in one
transaction: an error leaves nothing behind.

``reset`` removes what a generation wrote, found the way
``already_generated`` finds it: the units whose code starts with "G-" and
everything hanging from them (plans they issued and what those hold, their
indicator tables, the links between them), and the generated accounts. It
refuses unless that is clearly safe: every such code has the generator's
form, and no other row (a record made in the app, its history, a job, a
notification, an account's other membership) refers to a row it would
delete. The reference data that a generation loads (reform areas, the
indicator catalogue) and every other row stay.
"""

from __future__ import annotations

import datetime
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cchc.choices import Role, SuccessionKind, UnitKind
from cchc.models import AuditEvent, Membership, ReformArea, Unit, UnitSuccession, User
from cchc.reference import load_reform_areas
from cchc.text import fold
from dashboards.models import RollupState, UnitRollup
from dashboards.rollup import rollup_rebuild
from indicators.catalogue import catalogue_load
from indicators.choices import TableStatus, ValueKind
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from inspections.choices import (
    FindingKind,
    InspectionStatus,
    ItemProgress,
    RemediationReportStatus,
    ReviewDecision,
    TaskStatus,
)
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationReport,
    RemediationReportItem,
    RemediationTask,
)

from .province import DEMO_PASSWORD

#: Codes of generated units start with this, so a second run can tell.
CODE_PREFIX = "G-"
#: The whole code of a generated unit: a letter for the kind, five digits.
CODE_FORM = re.compile(rf"^{re.escape(CODE_PREFIX)}[THSX]\d{{5}}$")
#: The generated superuser's full name (its username is quantri.<scale>).
ADMIN_FULL_NAME = "Quản trị dữ liệu mẫu"
MERGER_DAY = datetime.date(2025, 7, 1)
EARLY_MERGER_DAY = datetime.date(2020, 1, 1)
PLAN_YEARS = tuple(range(2017, 2027))
TABLE_YEARS = tuple(range(2016, 2026))
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    """How big: ``continuing`` provinces that kept their borders, merged
    provinces as group sizes of old provinces, districts per old province,
    old communes in all, new communes in all, departments per province."""

    name: str
    continuing: int
    merged_groups: tuple[int, ...]
    districts_per_province: int
    old_communes: int
    new_communes: int
    departments_per_province: int = 8
    early_merger_share: float = 0.03
    commune_inspection_share: float = 0.25
    other_inspection_share: float = 0.4


SCALES = {
    "province": Scale(
        name="province",
        continuing=0,
        merged_groups=(2,),
        districts_per_province=9,
        old_communes=252,
        new_communes=84,
    ),
    "national": Scale(
        name="national",
        continuing=11,
        merged_groups=(3,) * 6 + (2,) * 17,
        districts_per_province=11,
        old_communes=10_000,
        new_communes=3_321,
    ),
}

SYLLABLES = (
    "An Bình Phú Hòa Thạnh Tân Long Phước Sơn Hải Đông Tây Nam Bắc Trung Hưng Thịnh Lộc Phong Quang "
    "Minh Đức Thành Vĩnh Xuân Hiệp Lợi Mỹ Gia Kim Hương Lâm Thủy Cát Tiên Hà Yên Quế Diên Ninh"
).split()
DEPARTMENTS = (
    ("Sở Nội vụ", "SNV"),
    ("Sở Tư pháp", "STP"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Y tế", "SYT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
)

# Typical wording of conclusions, by reform area name (the names are the
# same in both programmes' catalogues).
SHORTCOMINGS = {
    "Công tác chỉ đạo, điều hành cải cách hành chính": [
        "Chưa ban hành kế hoạch cải cách hành chính năm đúng thời hạn.",
        "Chưa tổ chức kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc.",
        "Báo cáo định kỳ về cải cách hành chính gửi chậm, nội dung còn sơ sài.",
        "Chưa có giải pháp cụ thể để khắc phục các chỉ số thành phần bị đánh giá thấp.",
    ],
    "Cải cách thể chế": [
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật chưa kịp thời.",
        "Một số văn bản ban hành chưa đúng thể thức, trình tự theo quy định.",
        "Chưa tổ chức theo dõi tình hình thi hành pháp luật theo kế hoạch.",
    ],
    "Cải cách thủ tục hành chính": [
        "Chưa niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
        "Còn hồ sơ thủ tục hành chính giải quyết quá hạn nhưng chưa có văn bản xin lỗi.",
        "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn chậm.",
        "Sổ theo dõi hồ sơ tại Bộ phận Một cửa ghi chép chưa đầy đủ.",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến còn thấp so với chỉ tiêu được giao.",
    ],
    "Cải cách tổ chức bộ máy hành chính nhà nước": [
        "Chưa cập nhật quy chế làm việc theo quy định mới.",
        "Việc sắp xếp, kiện toàn tổ chức bộ máy còn chậm so với kế hoạch.",
        "Chưa xây dựng đề án vị trí việc làm theo hướng dẫn.",
    ],
    "Cải cách chế độ công vụ": [
        "Việc đánh giá, xếp loại công chức còn mang tính hình thức.",
        "Chưa xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ, công chức hằng năm.",
        "Một số công chức chưa đạt chuẩn theo vị trí việc làm.",
    ],
    "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức": [
        "Việc đánh giá, xếp loại công chức còn mang tính hình thức.",
        "Chưa xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ, công chức hằng năm.",
    ],
    "Cải cách tài chính công": [
        "Quy chế chi tiêu nội bộ chưa được sửa đổi, bổ sung kịp thời.",
        "Công khai tài chính, ngân sách chưa đầy đủ theo quy định.",
        "Chưa thực hiện đầy đủ cơ chế tự chủ tại các đơn vị sự nghiệp.",
    ],
    "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số": [
        "Tỷ lệ văn bản điện tử có ký số còn thấp.",
        "Cổng thông tin điện tử chưa cập nhật thường xuyên thông tin hoạt động.",
        "Hệ thống một cửa điện tử chưa kết nối đầy đủ với Cổng dịch vụ công.",
    ],
    "Hiện đại hóa hành chính": [
        "Tỷ lệ văn bản điện tử có ký số còn thấp.",
        "Chưa áp dụng đầy đủ hệ thống quản lý chất lượng ISO 9001.",
        "Trang thiết bị tại Bộ phận Một cửa chưa đáp ứng yêu cầu.",
    ],
}
ACHIEVEMENTS = (
    "Ban hành kịp thời kế hoạch và triển khai đầy đủ các nhiệm vụ được giao.",
    "Bộ phận Một cửa được bố trí đủ công chức, trang thiết bị theo quy định.",
    "Tỷ lệ hồ sơ giải quyết đúng hạn đạt cao, không có phản ánh, kiến nghị.",
    "Thực hiện tốt việc công khai thủ tục hành chính trên Cổng thông tin điện tử.",
)
RECOMMENDATION_PREFIX = "Khắc phục tồn tại: "
INTRODUCTION = (
    "Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính, Đoàn kiểm tra đã làm việc tại đơn vị."
)

# Indicators each kind of unit fills in (number as in the catalogue).
TABLE_ROWS = {
    UnitKind.COMMUNE: {
        "PL03": ("1.3", "2", "3", "4.3", "4.4", "4.6", "5.3", "6.1", "6.2"),
        "PL07": ("1", "2", "3", "4", "7", "10", "11"),
    },
    UnitKind.DISTRICT: {
        "PL03": ("1.2", "1.3", "2", "3", "4.2", "4.3", "5.2", "5.3", "6.1", "6.2"),
        "PL07": ("1", "2", "3", "4", "7", "10", "11"),
    },
    UnitKind.DEPARTMENT: {
        "PL03": ("1.1", "2", "3", "4.1", "5.1", "6.1", "6.2"),
        "PL07": ("1", "2", "3", "4", "7", "10", "11"),
    },
    UnitKind.PROVINCE: {
        "PL03": ("1", "1.1", "1.4", "5.1", "5.2", "5.3"),
        "PL07": ("1", "2", "3", "7", "10", "11", "12"),
    },
}


# --- in-memory units ---------------------------------------------------------------


@dataclass
class GenUnit:
    id: int
    kind: str
    name: str
    short_name: str
    code: str
    parent: GenUnit | None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    symbol: str = ""
    place: str = ""
    size: float = 1.0
    weak_areas: tuple[str, ...] = ()
    path: str = ""
    children: list[GenUnit] = field(default_factory=list)

    def alive_in(self, year: int) -> bool:
        """Existed on 31/12 of ``year`` (the units that file that year's tables)."""
        day = datetime.date(year, 12, 31)
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def alive_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


@dataclass
class Province:
    """A province that issues plans in some years, with its units."""

    unit: GenUnit
    districts: list[GenUnit] = field(default_factory=list)
    communes: list[GenUnit] = field(default_factory=list)
    departments: list[GenUnit] = field(default_factory=list)


class Ids:
    """Ids handed out here, after the largest in each table."""

    def __init__(self):
        self._next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model]) -> int:
        if model not in self._next:
            largest = model.objects.aggregate(largest=models.Max("pk"))["largest"] or 0
            self._next[model] = largest + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


class Writer:
    """Rows buffered per model and written with bulk_create in batches."""

    ORDER = (
        Unit,
        UnitSuccession,
        User,
        Membership,
        InspectionPlan,
        InspectionPlan.planned_units.through,
        InspectionTeam,
        Inspection,
        Finding,
        RemediationTask,
        RemediationReport,
        RemediationReportItem,
        IndicatorTable,
        IndicatorValue,
    )

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.buffers: dict[type[models.Model], list] = defaultdict(list)
        self.counts: Counter = Counter()
        self.progress = progress

    def add(self, instance: models.Model) -> None:
        model = type(instance)
        buffer = self.buffers[model]
        buffer.append(instance)
        if len(buffer) >= BATCH:
            self.flush(model)

    def flush(self, model: type[models.Model] | None = None) -> None:
        for each in [model] if model else self.ORDER:
            buffer = self.buffers.get(each)
            if buffer:
                each.objects.bulk_create(buffer, batch_size=BATCH)
                self.counts[each._meta.label] += len(buffer)
                self.buffers[each] = []


# --- the generator ----------------------------------------------------------------------


class Generator:
    def __init__(self, scale: Scale, *, seed: int, today: datetime.date, log: Callable[[str], None]):
        self.scale = scale
        self.random = random.Random(seed)  # noqa: S311 - demo figures, seeded to be repeatable
        self.today = today
        self.log = log
        self.ids = Ids()
        self.writer = Writer()
        self.names_used: set[str] = set()
        self.codes = Counter()
        self.provinces_before: list[Province] = []
        self.provinces_after: list[Province] = []
        self.units: list[GenUnit] = []
        self.links: list[tuple[GenUnit, GenUnit, str, datetime.date]] = []

    # names and codes ----------------------------------------------------------------

    def place_name(self, taken: set[str]) -> str:
        while True:
            name = f"{self.random.choice(SYLLABLES)} {self.random.choice(SYLLABLES)}"
            if name.split()[0] != name.split()[1] and name not in taken:
                taken.add(name)
                return name

    def code(self, letter: str) -> str:
        self.codes[letter] += 1
        return f"{CODE_PREFIX}{letter}{self.codes[letter]:05d}"

    def new_unit(self, *, kind, name, short_name, parent, letter, **extra) -> GenUnit:
        unit = GenUnit(
            id=self.ids.take(Unit),
            kind=kind,
            name=name,
            short_name=short_name,
            code=self.code(letter),
            parent=parent,
            size=self.random.uniform(0.5, 2.0),
            weak_areas=tuple(self.random.sample(self.area_names, k=self.random.choice((1, 2)))),
            **extra,
        )
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        if parent is not None:
            parent.children.append(unit)
        self.units.append(unit)
        return unit

    def people_committee(self, *, kind, kind_word, place, parent, letter, seat, **extra) -> GenUnit:
        """An Ủy ban nhân dân ("UBND <kind word> <place>", symbol UBND), whose
        documents are dated at ``seat``."""
        return self.new_unit(
            kind=kind,
            name=f"Ủy ban nhân dân {kind_word} {place}",
            short_name=f"UBND {kind_word} {place}",
            parent=parent,
            letter=letter,
            symbol="UBND",
            place=seat,
            **extra,
        )

    # the tree ----------------------------------------------------------------------------

    def build_units(self) -> None:
        scale = self.scale
        province_names: set[str] = set()
        old_count = scale.continuing + sum(scale.merged_groups)
        last_day = MERGER_DAY - datetime.timedelta(days=1)
        for index in range(old_count):
            continuing = index < scale.continuing
            place = self.place_name(province_names)
            unit = self.people_committee(
                kind=UnitKind.PROVINCE,
                kind_word="tỉnh",
                place=place,
                parent=None,
                letter="T",
                valid_to=None if continuing else last_day,
                seat=place,
            )
            self.provinces_before.append(Province(unit))
        # Districts and communes as they were until 30/6/2025.
        per_district = divmod(scale.old_communes, scale.districts_per_province * old_count)
        district_index = 0
        for province in self.provinces_before:
            taken: set[str] = set()
            for name, symbol in DEPARTMENTS[: scale.departments_per_province]:
                province.departments.append(
                    self.new_unit(
                        kind=UnitKind.DEPARTMENT,
                        name=f"{name} tỉnh {province.unit.place}",
                        short_name=name,
                        parent=province.unit,
                        letter="S",
                        valid_to=province.unit.valid_to,
                        symbol=symbol,
                        place=province.unit.place,
                    )
                )
            for _ in range(scale.districts_per_province):
                place = self.place_name(taken)
                kind_word = self.random.choices(["huyện", "thị xã", "thành phố"], weights=[8, 1, 1])[0]
                district = self.people_committee(
                    kind=UnitKind.DISTRICT,
                    kind_word=kind_word,
                    place=place,
                    parent=province.unit,
                    letter="H",
                    valid_to=last_day,
                    seat=province.unit.place,
                )
                province.districts.append(district)
                count = per_district[0] + (1 if district_index < per_district[1] else 0)
                district_index += 1
                commune_names: set[str] = set()
                communes = []
                for _ in range(count):
                    place = self.place_name(commune_names)
                    kind_word = self.random.choices(["xã", "phường", "thị trấn"], weights=[8, 2, 1])[0]
                    communes.append(
                        self.people_committee(
                            kind=UnitKind.COMMUNE,
                            kind_word=kind_word,
                            place=place,
                            parent=district,
                            letter="X",
                            valid_to=last_day,
                            seat=province.unit.place,
                        )
                    )
                # Some communes were merged into a neighbour on 1/1/2020.
                for position in range(len(communes) - 1):
                    if (
                        self.random.random() < scale.early_merger_share
                        and communes[position].valid_to == last_day
                    ):
                        communes[position].valid_to = EARLY_MERGER_DAY - datetime.timedelta(days=1)
                        self.links.append(
                            (
                                communes[position],
                                communes[position + 1],
                                SuccessionKind.MERGE,
                                EARLY_MERGER_DAY,
                            )
                        )
                province.communes.extend(communes)
        self.build_after()

    def build_after(self) -> None:
        """The 34 provinces (or one) of 1/7/2025 and their new communes."""
        scale = self.scale
        continuing = self.provinces_before[: scale.continuing]
        merged = self.provinces_before[scale.continuing :]
        groups: list[list[Province]] = [[province] for province in continuing]
        start = 0
        for size in scale.merged_groups:
            groups.append(merged[start : start + size])
            start += size
        names: set[str] = {province.unit.place for province in self.provinces_before}
        total_old = sum(len(p.communes) for group in groups for p in group)
        assigned = 0
        for index, group in enumerate(groups):
            if index < scale.continuing:
                province = Province(group[0].unit, departments=list(group[0].departments))
            else:
                place = self.place_name(names)
                unit = self.people_committee(
                    kind=UnitKind.PROVINCE,
                    kind_word="tỉnh",
                    place=place,
                    parent=None,
                    letter="T",
                    valid_from=MERGER_DAY,
                    seat=place,
                )
                province = Province(unit)
                for number, (name, symbol) in enumerate(DEPARTMENTS[: scale.departments_per_province]):
                    department = self.new_unit(
                        kind=UnitKind.DEPARTMENT,
                        name=f"{name} tỉnh {place}",
                        short_name=name,
                        parent=unit,
                        letter="S",
                        valid_from=MERGER_DAY,
                        symbol=symbol,
                        place=place,
                    )
                    province.departments.append(department)
                    for old in group:
                        self.links.append(
                            (old.departments[number], department, SuccessionKind.MERGE, MERGER_DAY)
                        )
                for old in group:
                    self.links.append((old.unit, unit, SuccessionKind.MERGE, MERGER_DAY))
            # New communes, about three old communes each, in the tree's order.
            alive = [c for old in group for c in old.communes if c.valid_to != EARLY_MERGER_DAY - _ONE_DAY]
            share = round(scale.new_communes * sum(len(p.communes) for p in group) / total_old)
            if index == len(groups) - 1:
                share = scale.new_communes - assigned
            share = max(1, min(share, len(alive)))
            assigned += share
            commune_names: set[str] = set()
            new_communes = []
            absorbed_by: dict[int, GenUnit] = {}
            for number in range(share):
                chunk = alive[number * len(alive) // share : (number + 1) * len(alive) // share]
                place = self.place_name(commune_names)
                kind_word = self.random.choices(["xã", "phường", "đặc khu"], weights=[12, 4, 1])[0]
                commune = self.people_committee(
                    kind=UnitKind.COMMUNE,
                    kind_word=kind_word,
                    place=place,
                    parent=province.unit,
                    letter="X",
                    valid_from=MERGER_DAY,
                    seat=province.unit.place,
                )
                # The same place keeps its weak points after the merger.
                commune.weak_areas = chunk[0].weak_areas
                new_communes.append(commune)
                for old in chunk:
                    self.links.append((old, commune, SuccessionKind.MERGE, MERGER_DAY))
                    absorbed_by[old.id] = commune
            # A district's territory went to the new communes of its communes.
            for old in group:
                for district in old.districts:
                    successors = []
                    for commune in district.children:
                        successor = absorbed_by.get(commune.id)
                        if successor is not None and successor not in successors:
                            successors.append(successor)
                    for successor in successors:
                        self.links.append((district, successor, SuccessionKind.TRANSFER, MERGER_DAY))
            province.communes = new_communes
            self.provinces_after.append(province)

    # writing units -----------------------------------------------------------------------

    def write_units(self) -> None:
        for unit in self.units:
            self.writer.add(
                Unit(
                    id=unit.id,
                    name=unit.name,
                    short_name=unit.short_name,
                    kind=unit.kind,
                    code=unit.code,
                    parent_id=unit.parent.id if unit.parent else None,
                    path=unit.path,
                    valid_from=unit.valid_from,
                    valid_to=unit.valid_to,
                    document_symbol=unit.symbol,
                    place_name=unit.place,
                    search_key=fold(f"{unit.name} {unit.short_name} {unit.code}"),
                )
            )
        for predecessor, successor, kind, day in self.links:
            self.writer.add(
                UnitSuccession(
                    id=self.ids.take(UnitSuccession),
                    predecessor_id=predecessor.id,
                    successor_id=successor.id,
                    kind=kind,
                    effective_date=day,
                    legal_basis=(
                        "Nghị quyết số 202/2025/QH15 (dữ liệu sinh minh họa)"
                        if day == MERGER_DAY
                        else "Nghị quyết của Ủy ban Thường vụ Quốc hội (dữ liệu sinh minh họa)"
                    ),
                    is_illustrative=True,
                )
            )
        self.writer.flush()

    def write_users(self) -> list[tuple[str, str]]:
        password = make_password(DEMO_PASSWORD)
        logins = []

        def user(username, full_name, position, **flags):
            user_id = self.ids.take(User)
            self.writer.add(
                User(
                    id=user_id,
                    username=username,
                    full_name=full_name,
                    position=position,
                    password=password,
                    is_active=True,
                    **flags,
                )
            )
            return user_id

        national = f"quantri.{self.scale.name}"
        user(national, ADMIN_FULL_NAME, "Quản trị hệ thống", is_superuser=True, is_staff=True)
        logins.append((national, "superuser"))
        for number, province in enumerate(self.provinces_after, start=1):
            username = f"lanhdao.{self.scale.name}{number:02d}"
            user_id = user(
                username, f"Lãnh đạo {province.unit.short_name}", f"Lãnh đạo {province.unit.short_name}"
            )
            self.writer.add(
                Membership(
                    id=self.ids.take(Membership),
                    user_id=user_id,
                    unit_id=province.unit.id,
                    role=Role.LEADER,
                    valid_from=datetime.date(2016, 1, 1),
                )
            )
            logins.append((username, str(province.unit.short_name)))
        self.writer.flush()
        return logins

    # inspections ---------------------------------------------------------------------------

    def areas_for(self, year: int) -> dict[str, ReformArea]:
        return {area.name: area for area in self.areas if area.is_valid_in(year)}

    def write_inspections(self) -> None:
        today = self.today
        for year in PLAN_YEARS:
            if year > today.year:
                continue
            areas = self.areas_for(year)
            issuers = self.provinces_after if year > MERGER_DAY.year else self.provinces_before
            for province in issuers:
                self.write_plan(year, province, areas)
            self.writer.flush()
            self.log(f"  {year}: {sum(self.writer.counts.values()):,} dòng")

    def inspected_units(self, year: int, province: Province) -> list[GenUnit]:
        if year > MERGER_DAY.year:
            communes = province.communes
            others = province.departments
            day = datetime.date(year, 1, 1)
        else:
            communes = province.communes
            others = province.departments + province.districts
            day = datetime.date(year, 1, 1)
        chosen = [
            u
            for u in communes
            if u.alive_on(day) and self.random.random() < self.scale.commune_inspection_share
        ]
        chosen += [
            u for u in others if u.alive_on(day) and self.random.random() < self.scale.other_inspection_share
        ]
        return chosen

    def write_plan(self, year: int, issuer: Province, areas: dict[str, ReformArea]) -> None:
        rnd = self.random
        plan_id = self.ids.take(InspectionPlan)
        issued_on = datetime.date(year, 2, rnd.randint(5, 28))
        number = f"{rnd.randint(100, 4999)}/KH-UBND"
        title = f"Kế hoạch kiểm tra công tác cải cách hành chính năm {year}"
        self.writer.add(
            InspectionPlan(
                id=plan_id,
                year=year,
                number=number,
                issued_on=issued_on,
                issuer_id=issuer.unit.id,
                title=title,
                search_key=fold(f"{number} {title}"),
            )
        )
        team_id = self.ids.take(InspectionTeam)
        self.writer.add(
            InspectionTeam(
                id=team_id,
                plan_id=plan_id,
                name=f"Đoàn kiểm tra công tác cải cách hành chính năm {year}",
                decision_number=f"{rnd.randint(100, 3999)}/QĐ-UBND",
                decision_date=issued_on + datetime.timedelta(days=20),
                decision_issuer_id=issuer.unit.id,
                document_symbol="ĐKT",
            )
        )
        through = InspectionPlan.planned_units.through
        last_visit = datetime.date(year, 6, 20) if year == MERGER_DAY.year else datetime.date(year, 12, 10)
        first_visit = issued_on + datetime.timedelta(days=30)
        for unit in self.inspected_units(year, issuer):
            self.writer.add(through(id=self.ids.take(through), inspectionplan_id=plan_id, unit_id=unit.id))
            inspected_on = first_visit + datetime.timedelta(
                days=rnd.randint(0, (last_visit - first_visit).days)
            )
            self.write_inspection(year, plan_id, team_id, unit, inspected_on, areas)

    def write_inspection(self, year, plan_id, team_id, unit: GenUnit, inspected_on, areas) -> None:
        rnd = self.random
        today = self.today
        inspection_id = self.ids.take(Inspection)
        notice_day = inspected_on + datetime.timedelta(days=rnd.randint(10, 30))
        if inspected_on > today or (year < today.year and rnd.random() < 0.03):
            status, notice = InspectionStatus.PLANNED, None
        elif notice_day > today:
            status, notice = InspectionStatus.IN_PROGRESS, None
        else:
            status, notice = InspectionStatus.CONCLUDED, _at(notice_day, 8)
        self.writer.add(
            Inspection(
                id=inspection_id,
                plan_id=plan_id,
                team_id=team_id,
                unit_id=unit.id,
                inspected_on=inspected_on,
                status=status,
                notice_issued_at=notice,
                introduction=INTRODUCTION,
            )
        )
        if status == InspectionStatus.PLANNED:
            return
        names = list(areas)
        position = Counter()

        def finding(kind: str, area_name: str, text: str) -> int:
            finding_id = self.ids.take(Finding)
            position[kind] += 1
            self.writer.add(
                Finding(
                    id=finding_id,
                    inspection_id=inspection_id,
                    kind=kind,
                    reform_area_id=areas[area_name].pk,
                    text=text,
                    position=position[kind],
                )
            )
            return finding_id

        for _ in range(rnd.randint(2, 3)):
            finding(FindingKind.ACHIEVEMENT, rnd.choice(names), rnd.choice(ACHIEVEMENTS))
        weak = [name for name in unit.weak_areas if name in areas] or [rnd.choice(names)]
        shortcomings = []
        for _ in range(rnd.randint(1, 4)):
            area_name = rnd.choice(weak) if rnd.random() < 0.6 else rnd.choice(names)
            text = rnd.choice(SHORTCOMINGS.get(area_name) or SHORTCOMINGS["Cải cách thủ tục hành chính"])
            finding(FindingKind.SHORTCOMING, area_name, text)
            shortcomings.append((area_name, text))
        if notice is None:
            return
        tasks = []
        for area_name, text in shortcomings[: rnd.randint(1, 3)]:
            description = RECOMMENDATION_PREFIX + text[0].lower() + text[1:]
            finding_id = finding(FindingKind.RECOMMENDATION, area_name, description)
            deadline = notice_day + datetime.timedelta(days=rnd.randint(60, 150))
            tasks.append((finding_id, areas[area_name].pk, description, deadline))
        self.write_tasks(year, inspection_id, unit, notice_day, tasks)

    def write_tasks(self, year, inspection_id, unit: GenUnit, notice_day, tasks) -> None:
        rnd = self.random
        today = self.today
        earliest = min(deadline for _f, _a, _d, deadline in tasks)
        # The unit answers once, for all its tasks: on time more often as
        # the years go by, and some never.
        on_time = rnd.random() < 0.55 + 0.035 * (year - PLAN_YEARS[0])
        if on_time:
            submitted = earliest - datetime.timedelta(days=rnd.randint(0, 25))
        else:
            submitted = earliest + datetime.timedelta(days=rnd.randint(1, 90))
        submitted = max(submitted, notice_day + datetime.timedelta(days=7))
        answers = submitted <= today and rnd.random() < 0.9
        reviewed = submitted + datetime.timedelta(days=rnd.randint(3, 25))
        report_id = None
        if answers:
            report_id = self.ids.take(RemediationReport)
            decided = reviewed <= today
            self.writer.add(
                RemediationReport(
                    id=report_id,
                    inspection_id=inspection_id,
                    unit_id=unit.id,
                    revision=1,
                    document_number=f"{rnd.randint(10, 999)}/BC-UBND",
                    document_date=submitted,
                    summary="Báo cáo kết quả khắc phục tồn tại, hạn chế sau kiểm tra.",
                    status=RemediationReportStatus.REVIEWED if decided else RemediationReportStatus.SUBMITTED,
                    submitted_at=_at(submitted, 15),
                    is_late=any(deadline < submitted for _f, _a, _d, deadline in tasks),
                )
            )
        for finding_id, area_id, description, deadline in tasks:
            task_id = self.ids.take(RemediationTask)
            status, accepted_at, decision = TaskStatus.OPEN, None, None
            if answers:
                if reviewed <= today:
                    accepted = rnd.random() < 0.9
                    decision = ReviewDecision.ACCEPTED if accepted else ReviewDecision.RETURNED
                    status = TaskStatus.ACCEPTED if accepted else TaskStatus.RETURNED
                    accepted_at = _at(reviewed, 10) if accepted else None
                else:
                    status, decision = TaskStatus.REPORTED, ReviewDecision.PENDING
            self.writer.add(
                RemediationTask(
                    id=task_id,
                    inspection_id=inspection_id,
                    finding_id=finding_id,
                    responsible_unit_id=unit.id,
                    reform_area_id=area_id,
                    description=description,
                    deadline=deadline,
                    status=status,
                    accepted_at=accepted_at,
                )
            )
            if report_id is not None:
                self.writer.add(
                    RemediationReportItem(
                        id=self.ids.take(RemediationReportItem),
                        report_id=report_id,
                        task_id=task_id,
                        progress=ItemProgress.DONE,
                        explanation="Đã thực hiện, có tài liệu kiểm chứng kèm theo.",
                        decision=decision,
                        review_reason="Chưa có tài liệu kiểm chứng."
                        if decision == ReviewDecision.RETURNED
                        else "",
                        reviewed_at=_at(reviewed, 10) if decision != ReviewDecision.PENDING else None,
                    )
                )

    # indicator tables ------------------------------------------------------------------------

    def write_tables(self) -> None:
        indicators = {
            (code, number, valid_from): (pk, kind)
            for pk, code, number, valid_from, kind in Indicator.objects.values_list(
                "pk", "template__code", "number", "template__valid_from_year", "value_kind"
            )
        }
        versions = defaultdict(list)
        for code, _number, valid_from in indicators:
            versions[code].append(valid_from)
        for year in TABLE_YEARS:
            rows = {}
            for kind, by_code in TABLE_ROWS.items():
                rows[kind] = []
                for code, numbers in by_code.items():
                    version = max((v for v in versions[code] if v <= year), default=None)
                    for number in numbers:
                        found = indicators.get((code, number, version))
                        if found:
                            rows[kind].append((code, number, *found))
            approved = _at(datetime.date(year + 1, 2, 15), 9)
            for unit in self.units:
                if not unit.alive_in(year) or unit.kind not in rows:
                    continue
                table_id = self.ids.take(IndicatorTable)
                status = TableStatus.LOCKED if year < TABLE_YEARS[-1] else TableStatus.APPROVED
                self.writer.add(
                    IndicatorTable(
                        id=table_id,
                        unit_id=unit.id,
                        year=year,
                        status=status,
                        submitted_at=approved,
                        approved_at=approved,
                        locked_at=approved if status == TableStatus.LOCKED else None,
                    )
                )
                for code, number, indicator_id, value_kind in rows[unit.kind]:
                    value, denominator = self.figure(unit, year, code, number, value_kind)
                    self.writer.add(
                        IndicatorValue(
                            id=self.ids.take(IndicatorValue),
                            table_id=table_id,
                            indicator_id=indicator_id,
                            number=value,
                            denominator=denominator,
                            updated_at=approved,
                        )
                    )
            self.writer.flush()
            self.log(f"  bảng số liệu {year}: {self.writer.counts['indicators.IndicatorValue']:,} ô")

    def figure(self, unit: GenUnit, year: int, code: str, number: str, value_kind: str):
        """A plausible figure: sizes follow the unit, shares improve with
        the years (on-time dossiers 93 % → 99 %, online procedures 10 % →
        85 %, online dossiers 5 % → 60 %)."""
        rnd = self.random
        progress = (year - TABLE_YEARS[0]) / max(len(TABLE_YEARS) - 1, 1)
        procedures = {"1": 1800, "1.1": 1400, "1.2": 260, "1.3": 110, "1.4": 12}
        if code == "PL03" and number in procedures:
            return int(procedures[number] * rnd.uniform(0.9, 1.1)), None
        if code == "PL07" and number == "7":
            base = {UnitKind.COMMUNE: 110, UnitKind.DISTRICT: 260, UnitKind.DEPARTMENT: 1400 / 8}.get(
                unit.kind, 1400
            )
            return int(base * min(0.95, 0.1 + 0.75 * progress + rnd.uniform(-0.05, 0.05))), None
        if value_kind == ValueKind.FRACTION:
            total = max(1, int(rnd.uniform(300, 2500) * unit.size))
            if code == "PL03":
                share = min(1.0, 0.93 + 0.06 * progress + rnd.uniform(-0.03, 0.01))
            elif number == "10":
                share = min(1.0, 0.05 + 0.55 * progress + rnd.uniform(-0.05, 0.05))
            else:
                share = min(1.0, 0.3 + 0.6 * progress + rnd.uniform(-0.1, 0.1))
            return int(total * max(share, 0)), total
        return int(rnd.uniform(0, 400) * unit.size), None

    # all --------------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.monotonic()
        load_reform_areas()
        catalogue_load()
        self.areas = list(ReformArea.objects.all())
        self.area_names = sorted({area.name for area in self.areas})
        self.build_units()
        self.log(f"Đơn vị: {len(self.units):,}; liên kết kế thừa: {len(self.links):,}")
        self.write_units()
        logins = self.write_users()
        self.log("Kế hoạch, cuộc kiểm tra, kết luận, nhiệm vụ:")
        self.write_inspections()
        self.log("Bảng số liệu chỉ tiêu:")
        self.write_tables()
        self.writer.flush()
        _reset_sequences()
        rollup_rebuild()
        return {
            "counts": dict(self.writer.counts),
            "logins": logins,
            "seconds": time.monotonic() - started,
        }


_ONE_DAY = datetime.timedelta(days=1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), Writer.ORDER)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def already_generated() -> bool:
    return Unit.objects.filter(code__startswith=CODE_PREFIX).exists()


# --- what a generation wrote, and removing it ----------------------------------------------


def generated_summary() -> dict[str, int | list[str]]:
    """What generated data the database holds (a few counts)."""
    units = Unit.objects.filter(code__startswith=CODE_PREFIX)
    return {
        "units": units.count(),
        "inspections": Inspection.objects.filter(plan__issuer__code__startswith=CODE_PREFIX).count(),
        "indicator_values": IndicatorValue.objects.filter(table__unit__code__startswith=CODE_PREFIX).count(),
        "admins": sorted(
            User.objects.filter(pk__in=_generated_user_ids(), is_superuser=True).values_list(
                "username", flat=True
            )
        ),
    }


def _generated_user_ids() -> list[int]:
    """The accounts a generation made: quantri.<scale> (by its name and full
    name) and lanhdao.<scale>NN with a membership in a generated unit."""
    admins = User.objects.filter(
        username__in=[f"quantri.{name}" for name in SCALES], full_name=ADMIN_FULL_NAME
    ).values_list("pk", flat=True)
    leader = re.compile(rf"^lanhdao\.({'|'.join(map(re.escape, SCALES))})\d{{2,}}$")
    leaders = (
        Membership.objects.filter(unit__code__startswith=CODE_PREFIX, user__username__startswith="lanhdao.")
        .values_list("user_id", "user__username")
        .distinct()
    )
    return sorted({*admins, *(pk for pk, username in leaders if leader.match(username))})


@dataclass
class Generated:
    """The rows of one model a generation wrote (``condition``, through
    joins only, so that its negation is cheap), and the foreign keys that
    alone make a row generated (a row pointing through them to a generated
    row is generated itself)."""

    model: type[models.Model]
    condition: Q
    defined_by: frozenset[str] = frozenset()

    @property
    def rows(self) -> QuerySet:
        return self.model._base_manager.filter(self.condition).order_by()


def generated_rows() -> list[Generated]:
    """Every generated row, children before their parents (the order they
    are deleted in)."""
    users = _generated_user_ids()

    def generated(model, path, defined_by=()):
        """Rows of ``model`` whose unit at the end of ``path`` is generated."""
        return Generated(model, Q(**{f"{path}code__startswith": CODE_PREFIX}), frozenset(defined_by))

    inspected, issued = "inspection__plan__issuer__", "plan__issuer__"
    return [
        # The audit trail of the generated units and people (their role
        # changes, sign-ins, downloads) goes with them.
        Generated(
            AuditEvent,
            Q(unit__code__startswith=CODE_PREFIX) | Q(user__in=users),
            frozenset({"unit", "user"}),
        ),
        generated(IndicatorValue, "table__unit__", ["table"]),
        generated(IndicatorTable, "unit__", ["unit"]),
        generated(RemediationReportItem, f"report__{inspected}", ["report"]),
        generated(RemediationReport, inspected, ["inspection"]),
        generated(RemediationTask, inspected, ["inspection"]),
        generated(Finding, inspected, ["inspection"]),
        generated(Inspection, issued, ["plan"]),
        generated(InspectionTeam, issued, ["plan"]),
        generated(InspectionPlan.planned_units.through, "inspectionplan__issuer__", ["inspectionplan"]),
        generated(InspectionPlan, "issuer__", ["issuer"]),
        Generated(Membership, Q(user__in=users, unit__code__startswith=CODE_PREFIX)),
        Generated(
            UnitSuccession,
            Q(predecessor__code__startswith=CODE_PREFIX, successor__code__startswith=CODE_PREFIX),
        ),
        Generated(User, Q(pk__in=users)),
        generated(Unit, ""),
    ]


def _derived_models() -> tuple[type[models.Model], ...]:
    """Rows derived from the units: rebuilt after a reset, not checked."""
    return UnitRollup, RollupState


def reset_problems(plan: list[Generated] | None = None) -> list[str]:
    """Why removing the generated data would not be clearly safe (empty if
    it is): a unit coded "G-" that the generator did not make, or any row
    outside the generated ones that refers to one of them."""
    plan = plan or generated_rows()
    problems = []
    odd = [
        code
        for code in Unit.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True)
        if not CODE_FORM.match(code)
    ]
    if odd:
        problems.append(
            f"{len(odd):,} đơn vị có mã bắt đầu bằng {CODE_PREFIX} nhưng không theo dạng mã của dữ liệu "
            f"sinh (ví dụ: {', '.join(sorted(odd)[:3])})"
        )
    by_model = {generated.model: generated for generated in plan}
    derived = _derived_models()
    for generated in plan:
        for relation in generated.model._meta.get_fields(include_hidden=True):
            if not (relation.is_relation and relation.auto_created and not relation.concrete):
                continue
            if relation.many_to_many or relation.related_model in derived:
                continue  # an M2M is checked through its own table's foreign keys
            other, field = relation.related_model, relation.field.name
            mine = by_model.get(other)
            if mine is not None and field in mine.defined_by:
                continue  # by definition, every row pointing there is generated
            referring = other._base_manager.filter(**{f"{field}__in": generated.rows.values("pk")})
            if mine is not None:
                referring = referring.exclude(mine.condition)
            count = referring.order_by().count()
            if count:
                problems.append(
                    f"{count:,} dòng của {other._meta.verbose_name} ({other._meta.label}.{field}) "
                    f"không phải dữ liệu sinh nhưng trỏ tới {generated.model._meta.verbose_name} sinh ra"
                )
    return problems


class ResetRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def reset() -> dict[str, int]:
    """Delete every generated row, in one transaction, and rebuild the
    roll-up of the units left; the number of rows deleted per model. Raises
    ``ResetRefused`` (and deletes nothing) unless that is clearly safe."""
    with transaction.atomic():
        plan = generated_rows()
        problems = reset_problems(plan)
        if problems:
            raise ResetRefused(problems)
        rollup, _state = _derived_models()
        doomed = Q(unit__code__startswith=CODE_PREFIX) | Q(current__code__startswith=CODE_PREFIX)
        rollup.objects.filter(doomed).order_by()._raw_delete(rollup.objects.db)
        counts = {}
        for generated in plan:
            # One DELETE per table, without signals: nothing else refers to
            # these rows (checked above), and the history app would otherwise
            # write a "deleted" record for each of them.
            deleted = generated.rows._raw_delete(generated.rows.db)
            if deleted:
                counts[generated.model._meta.label] = deleted
        rollup_rebuild()
    return counts


def generate(scale: str, *, seed: int = 2026, today: datetime.date | None = None, log=None) -> dict:
    """Build the demo data of ``scale`` ("province" or "national")."""
    generator = Generator(
        SCALES[scale], seed=seed, today=today or timezone.localdate(), log=log or (lambda s: None)
    )
    with transaction.atomic():
        return generator.run()

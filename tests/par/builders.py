"""A small PAR world for the units' pages, built without par's set and
cycle services (they live on another branch): a province, a department
that appraises, a commune, an issued set (two areas, five leaves of every
method, a survey leaf and a bonus), an open cycle and the commune's
scorecard with its rows."""

import datetime
from decimal import Decimal as D
from types import SimpleNamespace

from django.utils import timezone

from cchc.access import clear_scope_cache
from cchc.choices import Role, UnitKind
from cchc.models import Signatory
from cchc.services import membership_create, unit_create
from par.choices import Assessment, CycleStatus, Method, SetStatus, UnitGroup
from par.models import Band, CriteriaNode, CriteriaSet, Cycle, CycleUnit, Scorecard
from par.services import scorecards_prepare
from tests.factories import UserFactory

LEVELS = {
    "levels": [
        {"label": "Đúng hạn", "points": "1"},
        {"label": "Muộn", "points": "0.5"},
        {"label": "Không", "points": "0"},
    ]
}
BANDS = {
    "bands": [
        {"min": "90", "min_inclusive": False, "max": "100", "max_inclusive": True, "points": "2"},
        {"min": "70", "min_inclusive": True, "max": "90", "max_inclusive": True, "points": "1"},
        {"min": "0", "min_inclusive": True, "max": "70", "max_inclusive": False, "points": "0"},
    ]
}


def build_set(province, appraiser_unit, *, year=2025, group=UnitGroup.COMMUNES, extra_leaves=0, name=None):
    """An issued set: area 1 (1.1 levels, 1.2 yes/no, 1.3 pct bands, 1.4
    ratio [+ extra yes/no leaves 1.5…]), area 2 (2.1 points, 2.2 survey),
    area 3 bonus (3.1). Maxima add up."""
    leaves_1 = [
        ("1.1", "Ban hành kế hoạch CCHC năm", D("1"), Method.LEVELS, LEVELS, "inspection_plan"),
        ("1.2", "Báo cáo CCHC đúng hạn", D("1"), Method.YES_NO, {}, ""),
        ("1.3", "Mức độ thực hiện kế hoạch kiểm tra", D("2"), Method.PCT_BANDS, BANDS, "inspections_done"),
        ("1.4", "Tỷ lệ kiến nghị đã khắc phục", D("2"), Method.RATIO, {}, "remediation"),
    ]
    for n in range(extra_leaves):
        leaves_1.append((f"1.{5 + n}", f"Tiêu chí bổ sung {n + 1}", D("1"), Method.YES_NO, {}, ""))
    area1_max = sum(leaf[2] for leaf in leaves_1)
    total = area1_max + D("4")
    criteria_set = CriteriaSet.objects.create(
        province=province,
        year=year,
        unit_group=group,
        name=name or f"Bộ tiêu chí Chỉ số CCHC cấp xã năm {year}",
        total_points=total,
    )
    position = 0

    def node(
        code, name, max_points, *, parent=None, method="", params=None, assessment=Assessment.SELF, source=""
    ):
        nonlocal position
        position += 1
        return CriteriaNode.objects.create(
            criteria_set=criteria_set,
            parent=parent,
            level=1 if parent is None else parent.level + 1,
            position=position,
            code=code,
            name=name,
            max_points=max_points,
            method=method,
            params=params or {},
            assessment=assessment,
            appraising_unit=appraiser_unit if method and assessment == Assessment.SELF else None,
            proposal_source=source,
        )

    area1 = node("1", "Công tác chỉ đạo, điều hành CCHC", area1_max)
    for code, title, maximum, method, params, source in leaves_1:
        node(code, title, maximum, parent=area1, method=method, params=params, source=source)
    area2 = node("2", "Cải cách thủ tục hành chính", D("4"))
    node("2.1", "Công khai thủ tục hành chính", D("2"), parent=area2, method=Method.POINTS)
    node(
        "2.2",
        "Mức độ hài lòng của người dân",
        D("2"),
        parent=area2,
        method=Method.POINTS,
        assessment=Assessment.SURVEY,
    )
    area3 = node("3", "Điểm thưởng, điểm trừ", D("0"))
    node("3.1", "Sáng kiến CCHC", D("1"), parent=area3, method=Method.BONUS)
    Band.objects.create(criteria_set=criteria_set, name="Tốt", lower=D("90"), lower_inclusive=True)
    Band.objects.create(
        criteria_set=criteria_set,
        name="Khá",
        lower=D("0"),
        lower_inclusive=True,
        upper=D("90"),
        upper_inclusive=False,
    )
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        status=SetStatus.ISSUED,
        decision_number="1234/QĐ-UBND",
        decision_date=datetime.date(year, 9, 8),
        issued_at=timezone.now(),
    )
    criteria_set.refresh_from_db()
    return criteria_set


def build_cycle(province, criteria_set, units, *, status=CycleStatus.OPEN, today=None):
    today = today or timezone.localdate()
    cycle = Cycle.objects.create(
        province=province,
        year=criteria_set.year,
        criteria_set=criteria_set,
        name=f"Xác định Chỉ số CCHC năm {criteria_set.year}",
        status=status,
        self_assessment_due=today + datetime.timedelta(days=10),
        round1_due=today + datetime.timedelta(days=20),
        explanation_due=today + datetime.timedelta(days=30),
        round2_due=today + datetime.timedelta(days=40),
        publication_due=today + datetime.timedelta(days=50),
    )
    scorecards = []
    for unit in units:
        CycleUnit.objects.create(cycle=cycle, unit=unit, basis="whole_year")
        scorecards.append(Scorecard.objects.create(cycle=cycle, unit=unit))
    scorecards_prepare(cycle=cycle, scorecards=scorecards)  # as cycle_open does
    return cycle, scorecards


def member(username, unit, role):
    user = UserFactory(username=username)
    membership_create(user=user, unit=unit, role=role)
    clear_scope_cache(user)
    return user


def build_par_world(*, suffix="", year=2025, extra_leaves=0):
    province = unit_create(
        name=f"Ủy ban nhân dân tỉnh Chỉ Số{suffix}",
        short_name=f"UBND tỉnh Chỉ Số{suffix}",
        kind=UnitKind.PROVINCE,
        document_symbol="UBND",
        place_name="Chỉ Số",
    )
    Signatory.objects.create(
        unit=province, full_name="Trần Văn Ký", position="PHÓ CHỦ TỊCH", head_title="CHỦ TỊCH"
    )
    department = unit_create(
        name=f"Sở Tư pháp tỉnh Chỉ Số{suffix}",
        short_name="Sở Tư pháp",
        kind=UnitKind.DEPARTMENT,
        parent=province,
    )
    home_affairs = unit_create(
        name=f"Sở Nội vụ tỉnh Chỉ Số{suffix}",
        short_name="Sở Nội vụ",
        kind=UnitKind.DEPARTMENT,
        parent=province,
    )
    commune = unit_create(
        name=f"UBND xã Hòa Tiến{suffix}", short_name="xã Hòa Tiến", kind=UnitKind.COMMUNE, parent=province
    )
    other = unit_create(
        name=f"UBND xã Hòa Phong{suffix}", short_name="xã Hòa Phong", kind=UnitKind.COMMUNE, parent=province
    )
    criteria_set = build_set(province, department, year=year, extra_leaves=extra_leaves)
    cycle, (scorecard, other_scorecard) = build_cycle(province, criteria_set, [commune, other])
    tag = suffix.strip().replace(" ", "") or "x"
    users = SimpleNamespace(
        officer=member(f"par.officer.{tag}", commune, Role.UNIT_OFFICER),
        head=member(f"par.head.{tag}", commune, Role.LEADER),
        other_officer=member(f"par.other.{tag}", other, Role.UNIT_OFFICER),
        appraiser=member(f"par.appraiser.{tag}", department, Role.APPRAISER),
        manager=member(f"par.manager.{tag}", province, Role.INSPECTOR),
        leader=member(f"par.leader.{tag}", province, Role.LEADER),
    )
    nodes = {node.code: node for node in criteria_set.nodes.all()}
    return SimpleNamespace(
        province=province,
        department=department,
        home_affairs=home_affairs,
        commune=commune,
        other=other,
        criteria_set=criteria_set,
        cycle=cycle,
        scorecard=scorecard,
        other_scorecard=other_scorecard,
        users=users,
        nodes=nodes,
        item=lambda code, sc=None: (sc or scorecard).items.get(node__code=code),
    )

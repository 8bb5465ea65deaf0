"""The PAR services: sets (create, replace, issue, copy, Excel in and out),
cycles with units from the unit tree, survey import, results in bulk."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from par.choices import CycleUnitBasis, Method, ScorecardStatus, SetStatus
from par.models import CriteriaNode, CycleUnit, ItemScore, Result, Scorecard, SurveyResult
from par.services import (
    criteria_set_copy,
    criteria_set_import_read,
    criteria_set_import_save,
    criteria_set_replace_tree,
    criteria_set_workbook,
    cycle_results_compute,
    node_specs,
    survey_import_read,
    survey_import_save,
)
from tests.par.conftest import DEADLINES  # noqa: F401 - shared


def test_issued_set_is_frozen_and_copies_to_a_draft(commune_set):
    assert commune_set.status == SetStatus.ISSUED
    with pytest.raises(ValidationError, match="đã ban hành"):
        criteria_set_replace_tree(criteria_set=commune_set, nodes=node_specs(commune_set))
    copy = criteria_set_copy(source=commune_set, year=2026, user=None)
    assert (copy.status, copy.year, copy.copied_from) == (SetStatus.DRAFT, 2026, commune_set)
    assert copy.decision_number == ""
    assert [(n.code, n.max_points, n.method) for n in node_specs(copy)] == [
        (n.code, n.max_points, n.method) for n in node_specs(commune_set)
    ]
    assert copy.bands.count() == 4
    # The copy is edited; the issued set is untouched.
    specs = node_specs(copy)
    specs[3].name = "Ban hành kế hoạch CCHC năm (sửa đổi)"
    criteria_set_replace_tree(criteria_set=copy, nodes=specs)
    assert copy.nodes.get(code="1.1.2").name.endswith("(sửa đổi)")
    assert not commune_set.nodes.filter(name__endswith="(sửa đổi)").exists()


def _upload(workbook_bytes: bytes, name="bo-tieu-chi.xlsx"):
    upload = io.BytesIO(workbook_bytes)
    upload.name = name
    return upload


def test_export_reads_back_the_same(commune_set):
    data = criteria_set_workbook(commune_set)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(4, 1).value == "STT" and sheet.cell(4, 3).value == "Điểm tối đa"
    assert sheet.cell(5, 1).value == "1"
    draft = criteria_set_copy(source=commune_set, year=2026, user=None)
    preview = criteria_set_import_read(_upload(data), criteria_set=draft)
    assert preview.problems == []

    def shape(specs):
        return [
            (
                s.code,
                s.level,
                s.max_points,
                s.assessment,
                s.method,
                s.params,
                s.na_policy,
                s.appraising_unit_id,
            )
            for s in specs
        ]

    assert shape(preview.nodes) == shape(node_specs(commune_set))
    assert [b.name for b in preview.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình"]
    assert criteria_set_import_save(criteria_set=draft, preview=preview) == 58


def _workbook(rows, bands=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bộ tiêu chí"
    sheet.append(["BỘ TIÊU CHÍ"])
    sheet.append(
        ["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Phương pháp chấm", "Tham số"]
    )
    for row in rows:
        sheet.append(row)
    if bands is not None:
        band_sheet = book.create_sheet("Xếp loại")
        band_sheet.append(["Xếp loại", "Từ (%)", "Kể cả cận dưới", "Đến (%)", "Kể cả cận trên"])
        for band in bands:
            band_sheet.append(band)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["1", "Chỉ đạo, điều hành", 2],
    ["1.1", "Ban hành kế hoạch", 1, "Theo mức", "Kịp thời = 1; Không kịp thời = 0,5; Không = 0"],
    ["1.2", "Mức độ thực hiện kế hoạch", 1, "Theo khoảng tỷ lệ %", "(90-100] = 1; [0-90] = 0"],
    [None, "Tổng cộng", 2],
]


@pytest.fixture
def draft(units):
    from par.services import criteria_set_create

    return criteria_set_create(
        province=units.province,
        year=2026,
        unit_group="communes",
        name="Dự thảo",
        user=None,
        total_points=D("2"),
    )


def test_import_of_a_published_layout(draft):
    preview = criteria_set_import_read(_upload(_workbook(GOOD)), criteria_set=draft)
    assert preview.problems == []
    assert [(n.code, n.level, n.method) for n in preview.nodes] == [
        ("1", 1, ""),
        ("1.1", 2, Method.LEVELS),
        ("1.2", 2, Method.PCT_BANDS),
    ]
    assert preview.nodes[2].params["bands"][0] == {
        "min": "90",
        "min_inclusive": False,
        "max": "100",
        "max_inclusive": True,
        "points": "1",
    }
    criteria_set_import_save(criteria_set=draft, preview=preview)
    assert draft.nodes.count() == 3


@pytest.mark.parametrize(
    ("rows", "bands", "message"),
    [
        (
            [GOOD[0], ["1.1", "Ban hành kế hoạch", 1.5, "Đạt / không đạt"], GOOD[2]],
            None,
            "Tiêu chí 1 có điểm tối đa 2 nhưng các tiêu chí con cộng lại được 2,5.",
        ),
        (
            [GOOD[0], ["1.1", "Ban hành kế hoạch", 1, "Công thức riêng"], GOOD[2]],
            None,
            "dòng 4, cột “Phương pháp chấm”: phương pháp chấm “Công thức riêng” không có",
        ),
        (
            [GOOD[0], GOOD[1], ["1.2", "Mức độ", 1, "Theo khoảng tỷ lệ %", "[90-100] = 1; [0-90] = 0"]],
            None,
            "Dòng 5 (1.2): Giá trị 90% thuộc cả",
        ),
        (
            GOOD,
            [["Tốt", 90, "có", None, "không"], ["Khá", 70, "có", 85, "không"], ["Yếu", 0, "có", 70, "không"]],
            "Xếp loại: Còn thiếu khoảng giữa 85% và 90%.",
        ),
        (
            GOOD,
            [["Tốt", 80, "có", None, "không"], ["Khá", 0, "có", 90, "không"]],
            "Xếp loại: Khoảng “Khá” và “Tốt” chồng lên nhau.",
        ),
        (
            [GOOD[0], ["1.1", "Ban hành", "một"], GOOD[2]],
            None,
            "Trang “Bộ tiêu chí”, dòng 4, cột “Điểm tối đa”: “một” không phải là số điểm.",
        ),
    ],
)
def test_bad_imports_save_nothing(draft, rows, bands, message):
    criteria_set_import_save(
        criteria_set=draft, preview=criteria_set_import_read(_upload(_workbook(GOOD)), criteria_set=draft)
    )
    preview = criteria_set_import_read(_upload(_workbook(rows, bands)), criteria_set=draft)
    assert any(message in problem for problem in preview.problems), preview.problems
    with pytest.raises(ValidationError):
        criteria_set_import_save(criteria_set=draft, preview=preview)
    assert list(draft.nodes.values_list("code", "max_points")) == [
        ("1", D("2")),
        ("1.1", D("1")),
        ("1.2", D("1")),
    ]


def test_not_a_workbook_is_refused(draft):
    preview = criteria_set_import_read(_upload(b"not a workbook"), criteria_set=draft)
    assert preview.problems == ["Tệp không phải là bảng tính Excel (.xlsx)."]


def test_cycle_units_from_the_unit_tree(units, commune_cycle):
    members = {m.unit: m for m in CycleUnit.objects.filter(cycle=commune_cycle)}
    assert set(members) == {units.commune_a, units.commune_b, units.old_commune, units.successor}
    assert members[units.commune_a].basis == CycleUnitBasis.WHOLE_YEAR
    successor = members[units.successor]
    assert (successor.included, successor.basis) == (True, CycleUnitBasis.SUCCESSOR)
    assert "Kế thừa Ủy ban nhân dân xã Đại Cường" in successor.reason
    ended = members[units.old_commune]
    assert (ended.included, ended.ranked, ended.basis) == (False, False, CycleUnitBasis.ENDED)
    assert (
        ended.reason == "Kết thúc hoạt động ngày 30/06/2025; công việc do Ủy ban nhân dân xã Vu Gia kế thừa."
    )
    cards = Scorecard.objects.filter(cycle=commune_cycle)
    assert {card.unit for card in cards} == {units.commune_a, units.commune_b, units.successor}
    scored = CriteriaNode.objects.filter(
        criteria_set=commune_cycle.criteria_set, children__isnull=True
    ).exclude(assessment="survey")
    assert ItemScore.objects.filter(scorecard__cycle=commune_cycle).count() == 3 * scored.count() == 3 * 37


def _survey(rows, header=("Mã đơn vị", "Tên đơn vị", "8.1", "8.2")) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "khao-sat.xlsx"
    return buffer


def test_survey_import_all_or_nothing(units, commune_cycle):
    bad = survey_import_read(
        _survey(
            [["20620", "Duy Sơn", 18, 9], ["99999", "Không có", 10, 5], [None, "UBND xã Đại Hiệp", 21, 8]]
        ),
        cycle=commune_cycle,
    )
    assert bad.problems == [
        "Trang “Sheet”, dòng 3, cột “Mã đơn vị”: không có đơn vị “99999” trong đợt đánh giá.",
        "Trang “Sheet”, dòng 4, cột “8.1”: 21 điểm ngoài khoảng 0 đến 20.",
    ]
    with pytest.raises(ValidationError):
        survey_import_save(cycle=commune_cycle, preview=bad, user=None)
    assert not SurveyResult.objects.exists()
    ended = survey_import_read(_survey([[None, "UBND xã Đại Cường", 10, 5]]), cycle=commune_cycle)
    assert ended.problems == [
        "Trang “Sheet”, dòng 2, cột “Mã đơn vị”: "
        "đơn vị “UBND xã Đại Cường” không được đánh giá trong đợt này."
    ]
    good = survey_import_read(
        _survey([["20620", "Duy Sơn", "18,5", 9], [None, "UBND xã Đại Hiệp", 17, None]]), cycle=commune_cycle
    )
    assert good.problems == [] and good.units == 2
    record = survey_import_save(cycle=commune_cycle, preview=good, user=None, source="Viện Nghiên cứu")
    assert record.rows == 3 and len(record.sha256) == 64
    assert SurveyResult.objects.get(unit=units.commune_a, node__code="8.1").points == D("18.5")


def test_results_computed_in_bulk(units, commune_cycle, django_assert_max_num_queries):
    items = ItemScore.objects.filter(scorecard__cycle=commune_cycle).select_related("node", "scorecard")
    for item in items:
        node = item.node
        if item.scorecard.unit == units.commune_b and node.method == Method.YES_NO:
            item.self_score = D(0)
        elif node.method in (Method.BONUS, Method.PENALTY):
            item.self_score = D(0)
        else:
            item.self_score = node.max_points
        item.save()
    a_item = items.get(scorecard__unit=units.commune_a, node__code="1.1.4")
    a_item.round1_score, a_item.round1_reason = D("1"), "Tỷ lệ thực hiện 90%, không trên 90%."
    a_item.save()
    survey_import_save(
        cycle=commune_cycle,
        preview=survey_import_read(
            _survey([["20620", "", 20, 10], [None, "UBND xã Đại Hiệp", 20, 10]]), cycle=commune_cycle
        ),
        user=None,
    )
    Scorecard.objects.filter(cycle=commune_cycle, unit=units.commune_a).update(
        status=ScorecardStatus.LOCKED,
        submitted_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        locked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    with django_assert_max_num_queries(14):
        assert cycle_results_compute(cycle=commune_cycle) == 3
    a = Result.objects.get(cycle=commune_cycle, unit=units.commune_a)
    # 70 − 1 appraised + 30 survey = 99 of 100.
    assert (a.appraised_total, a.survey_total, a.applicable_max, a.index) == (
        D("69"),
        D("30"),
        D("100"),
        D("99"),
    )
    assert (a.rank, a.band.name, a.provisional) == (1, "Xuất sắc", False)
    assert a.areas["1"] == {
        "max": "11.0000",
        "self": "11.0000",
        "appraised": "10.0000",
        "survey": "0.0000",
        "points": "10.0000",
        "index": "90.9090909091",
    }
    successor = Result.objects.get(cycle=commune_cycle, unit=units.successor)
    assert successor.provisional and successor.survey_total == 0 and successor.rank == 3
    b = Result.objects.get(cycle=commune_cycle, unit=units.commune_b)
    assert b.rank == 2 and b.version == 1
    cycle_results_compute(cycle=commune_cycle)
    assert Result.objects.get(cycle=commune_cycle, unit=units.commune_b).version == 2


def test_the_unit_rule_at_its_edges(units):
    from cchc.choices import UnitKind
    from cchc.services import unit_create
    from par.services import cycle_units_resolve

    def commune(name, **dates):
        return unit_create(name=name, short_name=name, kind=UnitKind.COMMUNE, parent=units.province, **dates)

    later = commune("UBND xã Lập Sau", valid_from=datetime.date(2026, 2, 1))
    gone = commune("UBND xã Đã Giải Thể", valid_to=datetime.date(2024, 12, 31))
    new = commune("UBND xã Mới Lập", valid_from=datetime.date(2025, 3, 1))
    last_day = commune("UBND xã Cuối Năm", valid_to=datetime.date(2025, 12, 31))

    def resolve(today):
        return {
            entry.unit: entry
            for entry in cycle_units_resolve(
                province=units.province, unit_group="communes", year=2025, today=today
            )
        }

    after_the_year = resolve(datetime.date(2026, 3, 1))
    assert later not in after_the_year and gone not in after_the_year
    assert after_the_year[new].basis == CycleUnitBasis.NEW and after_the_year[new].included
    # A unit existing on 31/12 is assessed, even if it ends that day.
    assert after_the_year[last_day].included
    assert not after_the_year[units.old_commune].included
    # Made in November: units are resolved on that day.
    early = resolve(datetime.date(2025, 11, 10))
    assert early[units.successor].included and not early[units.old_commune].included
    assert early[last_day].included
    # Made in May: the commune that ends on 30/6 is still there; its successor is not yet.
    spring = resolve(datetime.date(2025, 5, 1))
    assert spring[units.old_commune].included and units.successor not in spring

"""The PAR index engine on hand-computed cases (``par.scoring``)."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from par import scoring
from par.choices import Assessment, Method, NotApplicable
from par.scoring import Interval, Item, Node, ScoringError, Tree

LEVELS = {
    "levels": [
        {"label": "Đúng hạn", "points": "1"},
        {"label": "Muộn", "points": "0,5"},
        {"label": "Không", "points": 0},
    ]
}
# Cà Mau 1.1.4: > 90 % → 2; 70 % to 90 % → 1; < 70 % → 0.
PCT = {
    "bands": [
        {"min": "90", "min_inclusive": False, "max": "100", "max_inclusive": True, "points": "2"},
        {"min": "70", "min_inclusive": True, "max": "90", "max_inclusive": True, "points": "1"},
        {"min": "0", "min_inclusive": True, "max": "70", "max_inclusive": False, "points": "0"},
    ]
}


def tree(**caps):
    """Area 1 (10 points): 1.1 yes/no 2; 1.2 levels 3, left out of the
    maximum when not applicable; 1.3 % bands 5, full points when not
    applicable. Area 2: survey 30. Area 3: bonus (cap 2), penalty (cap 1,5)."""
    nodes = [
        Node(1, None, "1", 1, D("10")),
        Node(11, 1, "1.1", 2, D("2"), method=Method.YES_NO),
        Node(12, 1, "1.2", 2, D("3"), method=Method.LEVELS, na_policy=NotApplicable.EXCLUDE),
        Node(13, 1, "1.3", 2, D("5"), method=Method.PCT_BANDS, na_policy=NotApplicable.FULL),
        Node(2, None, "2", 1, D("30")),
        Node(21, 2, "2.1", 2, D("30"), assessment=Assessment.SURVEY, method=Method.POINTS),
        Node(3, None, "3", 1, D("0")),
        Node(31, 3, "3.1", 2, D("2"), method=Method.BONUS),
        Node(32, 3, "3.2", 2, D("1.5"), method=Method.PENALTY),
    ]
    return nodes, Tree(nodes, **caps)


def test_not_applicable_rescaled_with_bonus_and_penalty():
    _nodes, engine = tree()
    items = {
        11: Item(points=D("2"), self_points=D("2")),
        12: Item(not_applicable=True),
        13: Item(points=D("3"), self_points=D("5")),
        31: Item(points=D("2")),
        32: Item(points=D("1")),
    }
    score = engine.score(items, {21: D("24")})
    # Maximum 2 + 5 + 30 = 37 (1.2 left out); achieved 2 + 3 + 24 + 2 − 1 = 30.
    assert score.applicable_max == D("37")
    assert (score.appraised_total, score.self_total, score.survey_total) == (D("5"), D("7"), D("24"))
    assert (score.bonus, score.penalty) == (D("2"), D("1"))
    assert score.index == D(30) / D(37) * 100
    assert scoring.round_half_up(score.index) == D("81.08")
    assert not score.provisional
    assert score.areas["1"].max == D("7") and score.areas["1"].points == D("5")
    assert scoring.round_half_up(score.areas["1"].index) == D("71.43")
    assert score.areas["2"].index == D("80")
    assert score.areas["3"].index is None


def test_not_applicable_full_points_and_zero():
    nodes = [
        Node(1, None, "1", 1, D("4")),
        Node(11, 1, "1.1", 2, D("2"), method=Method.YES_NO, na_policy=NotApplicable.FULL),
        Node(12, 1, "1.2", 2, D("2"), method=Method.YES_NO, na_policy=NotApplicable.ZERO),
    ]
    score = Tree(nodes).score({11: Item(not_applicable=True), 12: Item(not_applicable=True)}, {})
    assert (score.appraised_total, score.applicable_max, score.index) == (D("2"), D("4"), D("50"))


def test_bonus_and_penalty_caps():
    # Node caps: a bonus of 5 counts 2, a penalty of 3 counts 1,5; then the
    # set's caps: bonus at most 1,5, penalty at most 1.
    _nodes, engine = tree(bonus_cap=D("1.5"), penalty_cap=D("1"))
    items = {
        11: Item(points=D("2")),
        13: Item(points=D("5")),
        31: Item(points=D("5")),
        32: Item(points=D("3")),
    }
    score = engine.score(items, {21: D("30")})
    assert (score.bonus, score.penalty) == (D("1.5"), D("1"))
    # (2 + 5 + 30 + 1,5 − 1) ÷ 40 = 93,75 %.
    assert score.index == D("93.75")
    _nodes, uncapped = tree()
    assert uncapped.score(items, {21: D("30")}).bonus == D("2")
    assert uncapped.score(items, {21: D("30")}).penalty == D("1.5")


def test_survey_missing_is_provisional_and_no_survey_leaves_the_maximum():
    _nodes, engine = tree()
    items = {11: Item(points=D("2")), 13: Item(points=D("5"))}
    provisional = engine.score(items, {})
    assert provisional.provisional and provisional.applicable_max == D("40")
    no_survey = engine.score(items, {}, survey_held=False)
    assert not no_survey.provisional
    assert (no_survey.applicable_max, no_survey.index) == (D("10"), D("70"))


def test_index_never_below_zero():
    _nodes, engine = tree()
    score = engine.score({32: Item(points=D("1.5"))}, {}, survey_held=False)
    assert score.index == D("0")


BANDS = [
    Interval(D("90"), True, None, False, "Xuất sắc"),
    Interval(D("80"), True, D("90"), False, "Tốt"),
    Interval(D("0"), True, D("80"), False, "Khá"),
]


def test_the_90_percent_boundary():
    nodes = [Node(1, None, "1", 1, D("10")), Node(11, 1, "1.1", 2, D("10"), method=Method.POINTS)]
    engine = Tree(nodes)
    exactly = engine.score({11: Item(points=D("9"))}, {})
    just_below = engine.score({11: Item(points=D("8.9999"))}, {})
    assert exactly.index == D("90")
    assert scoring.band_for(BANDS, exactly.index).label == "Xuất sắc"
    # 89,999 % shows as "90,00" but is not in the 90 % band.
    assert scoring.round_half_up(just_below.index) == D("90.00")
    assert scoring.band_for(BANDS, just_below.index).label == "Tốt"
    assert scoring.band_for(BANDS, D("80")).label == "Tốt"


def test_tie_break_then_shared_rank():
    entries = [
        ("A", D("85.5"), D("20"), D("60")),
        ("B", D("85.5"), D("22"), D("58")),  # same index, more survey points: ahead of A
        ("C", D("90.0001"), D("20"), D("60")),
        ("D", D("85.5"), D("20"), D("60")),  # equal to A on all three: shares its rank
        ("E", D("70"), D("10"), D("50")),
    ]
    assert scoring.ranks(entries) == {"C": 1, "B": 2, "A": 3, "D": 3, "E": 5}
    # Same index and survey: the appraised points decide.
    assert scoring.ranks([("X", D("80"), D("20"), D("59")), ("Y", D("80"), D("20"), D("60"))]) == {
        "Y": 1,
        "X": 2,
    }


def test_display_rounds_half_up_to_two_places():
    with translation.override("vi"):
        assert scoring.display(D("89.455")) == "89,46"
        assert scoring.display(D("89.445")) == "89,45"
        assert scoring.display(D(30) / D(37) * 100) == "81,08"
    with translation.override("en"):
        assert scoring.display(D("89.455")) == "89.46"
    assert scoring.display(None) == "–"


def test_points_within_the_method():
    assert scoring.points_for(Method.YES_NO, {}, D("2"), {"yes": True}) == D("2")
    assert scoring.points_for(Method.LEVELS, LEVELS, D("1"), {"level": "Muộn"}) == D("0.5")
    assert scoring.points_for(Method.PCT_BANDS, PCT, D("2"), {"percent": "90"}) == D("1")
    assert scoring.points_for(Method.PCT_BANDS, PCT, D("2"), {"percent": "90,5"}) == D("2")
    assert scoring.points_for(Method.PCT_BANDS, PCT, D("2"), {"percent": "69.99"}) == D("0")
    assert scoring.points_for(Method.RATIO, {}, D("3"), {"numerator": 45, "denominator": 50}) == D("2.7")
    with pytest.raises(ScoringError, match="không có trong cách chấm"):
        scoring.points_for(Method.LEVELS, LEVELS, D("1"), {"level": "Sớm"})
    with pytest.raises(ScoringError, match="từ 0% đến 100%"):
        scoring.points_for(Method.PCT_BANDS, PCT, D("2"), {"percent": "101"})
    with pytest.raises(ScoringError, match="Mẫu số"):
        scoring.points_for(Method.RATIO, {}, D("3"), {"numerator": 1, "denominator": 0})
    with pytest.raises(ScoringError, match="vượt điểm tối đa"):
        scoring.points_for(Method.POINTS, {}, D("3"), {"points": "3,5"})


def test_appraised_points_outside_the_method_are_refused():
    assert scoring.check_points(Method.YES_NO, {}, D("2"), D("2")) is None
    assert "chỉ cho các mức điểm: 0; 2" in scoring.check_points(Method.YES_NO, {}, D("2"), D("1"))
    assert "0; 0,5; 1" in scoring.check_points(Method.LEVELS, LEVELS, D("1"), D("0.75"))
    assert "vượt điểm tối đa" in scoring.check_points(Method.RATIO, {}, D("3"), D("3.01"))
    assert scoring.check_points(Method.RATIO, {}, D("3"), D("2.7")) is None
    assert "không được âm" in scoring.check_points(Method.BONUS, {}, D("2"), D("-1"))
    assert "không chấm trực tiếp" in scoring.check_points("", {}, D("2"), D("1"))


def test_params_checked():
    assert scoring.check_params(Method.LEVELS, LEVELS, D("1")) == []
    assert scoring.check_params(Method.PCT_BANDS, PCT, D("2")) == []
    [problem] = scoring.check_params(Method.LEVELS, LEVELS, D("0.5"))
    assert "Đúng hạn" in problem and "ngoài khoảng 0 đến 0,5" in problem
    overlap = {"bands": [{**PCT["bands"][0], "min_inclusive": True}, *PCT["bands"][1:]]}
    assert any("thuộc cả" in p for p in scoring.check_params(Method.PCT_BANDS, overlap, D("2")))
    gap = {"bands": [PCT["bands"][0], PCT["bands"][2]]}
    assert any(
        "Còn thiếu khoảng giữa 70% và 90%" in p for p in scoring.check_params(Method.PCT_BANDS, gap, D("2"))
    )
    assert "không có trong danh mục" in scoring.check_params("formula", {}, D("1"))[0]
    assert "không dùng cho phương pháp" in scoring.check_params(Method.YES_NO, {"levels": []}, D("1"))[0]


def test_bands_overlap_and_gap_refused():
    assert scoring.check_bands(BANDS) == []
    overlapping = [
        Interval(D("90"), True, None, False, "A"),
        Interval(D("80"), True, D("90"), True, "B"),
        BANDS[2],
    ]
    assert scoring.check_bands(overlapping) == ["Giá trị 90% thuộc cả “B” và “A”."]
    gap = [BANDS[0], Interval(D("0"), True, D("80"), False, "C")]
    assert scoring.check_bands(gap) == ["Còn thiếu khoảng giữa 80% và 90%."]
    top_closed = [Interval(D("90"), True, D("100"), True, "A"), *BANDS[1:]]
    assert scoring.check_bands(top_closed) == ["Còn thiếu khoảng cho giá trị trên 100%."]
    starts_late = [BANDS[0], Interval(D("50"), True, D("90"), False, "B")]
    assert scoring.check_bands(starts_late) == ["Còn thiếu khoảng cho giá trị từ 0%."]


def test_maxima_that_do_not_add_up():
    nodes, _engine = tree()
    assert scoring.rollup_problems(nodes, D("40")) == []
    assert scoring.rollup_problems(nodes, D("100")) == [
        "Các lĩnh vực cộng lại được 40 điểm, khác tổng điểm tối đa 100 của bộ tiêu chí."
    ]
    wrong = [n if n.id != 13 else Node(13, 1, "1.3", 2, D("4"), method=Method.PCT_BANDS) for n in nodes]
    assert "Tiêu chí 1 có điểm tối đa 10 nhưng các tiêu chí con cộng lại được 9." in scoring.rollup_problems(
        wrong, D("40")
    )
    inner_without_children = [Node(1, None, "1", 1, D("10"))]
    assert "phải có phương pháp chấm" in scoring.rollup_problems(inner_without_children, D("10"))[0]

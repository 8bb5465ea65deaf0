"""The PAR index engine: pure functions over plain values, no database.

Rules, as the province's decision states them and as the pages repeat:

* A leaf criterion is scored within its method (``points_for`` turns what
  the unit entered into points; ``check_points`` refuses points an
  appraiser types that the method cannot give, or above the maximum).
* "Không phát sinh" (not applicable) follows the node's policy: full points,
  zero, or left out of the maximum (the index is then rescaled on what is
  left).
* Survey criteria are not self-scored; their points come from the survey.
  If the cycle holds no survey they leave the maximum; if it does and a
  unit's survey points are missing, its index is provisional.
* Bonus and penalty leaves sit outside the maximum, each capped by its own
  maximum, then by the set's caps.
* Index % = (appraised + survey + bonus − penalty) ÷ applicable maximum ×
  100, in ``Decimal``; never below 0. It is rounded only for display: two
  places, half-up (``display``).
* Ranking is within a block (a cycle runs one block), from the highest
  index: the unrounded index, then the survey points, then the appraised
  points decide; units equal on all three share a rank and the next rank is
  skipped (1, 2, 2, 4).
* Bands have explicit bounds and inclusive flags; a missing bound is open.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ADJUSTMENT_METHODS, Assessment, Method, NotApplicable

ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: Places a score is stored with (``ItemScore``); a ratio × maximum is rounded to them, half-up.
SCORE_PLACES = Decimal("0.0001")
#: The places an index is displayed with (rounded half-up, only for display).
DISPLAY_PLACES = 2
#: The rounding rule of displayed indices, said on the pages.
ROUNDING_RULE = gettext_lazy(
    "Chỉ số tính từ điểm chưa làm tròn; chỉ làm tròn khi hiển thị, 2 chữ số thập phân, "
    "quy tắc làm tròn nửa lên."
)


class ScoringError(ValueError):
    """A value the method cannot take; the message is for the user."""


def parse_decimal(value) -> Decimal:
    """A number from JSON, a form or a cell: an int, a Decimal, or text with
    a dot or a comma as decimal separator ("1,5"). Raises ``ScoringError``."""
    if isinstance(value, bool) or value is None:
        raise ScoringError(_("Không phải là số."))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ScoringError(_("“%(v)s” không phải là số.") % {"v": value}) from None
    else:
        raise ScoringError(_("Không phải là số."))
    if not number.is_finite():
        raise ScoringError(_("Không phải là số."))
    return number


def display(value: Decimal | None, places: int = DISPLAY_PLACES) -> str:
    """``value`` rounded half-up to ``places`` for display, in the page's
    language (89,455 → "89,46")."""
    if value is None:
        return "–"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True)


def round_half_up(value: Decimal, places: int = DISPLAY_PLACES) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# Intervals (percentage bands of a method, classification bands of a set).


@dataclass(frozen=True)
class Interval:
    """A range of percentages with explicit inclusive flags; ``None`` is an
    open bound."""

    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    label: str = ""

    def contains(self, value: Decimal) -> bool:
        if self.lower is not None:
            if value < self.lower or (value == self.lower and not self.lower_inclusive):
                return False
        if self.upper is not None:
            if value > self.upper or (value == self.upper and not self.upper_inclusive):
                return False
        return True

    def describe(self) -> str:
        low = (
            ""
            if self.lower is None
            else (_("từ %(v)s%%") if self.lower_inclusive else _("trên %(v)s%%")) % {"v": plain(self.lower)}
        )
        high = (
            ""
            if self.upper is None
            else (_("đến %(v)s%%") if self.upper_inclusive else _("dưới %(v)s%%")) % {"v": plain(self.upper)}
        )
        return " ".join(part for part in (low, high) if part) or _("mọi giá trị")


def plain(value: Decimal) -> str:
    """A number as written in a rule or a message: no trailing zeros, a
    decimal comma (0,5; 20)."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def check_intervals(
    intervals: list[Interval], *, lowest: Decimal | None, highest: Decimal | None
) -> list[str]:
    """Problems with ``intervals`` meant to cover [lowest, highest] (``None``:
    unbounded) once each: overlaps and gaps, in Vietnamese."""
    problems: list[str] = []
    if not intervals:
        return [_("Chưa có khoảng nào.")]
    for interval in intervals:
        if interval.lower is not None and interval.upper is not None:
            if interval.lower > interval.upper or (
                interval.lower == interval.upper
                and not (interval.lower_inclusive and interval.upper_inclusive)
            ):
                problems.append(
                    _("Khoảng “%(l)s” có cận dưới không nhỏ hơn cận trên.") % {"l": interval.label}
                )
    if problems:
        return problems

    def start_key(interval):
        # Open lower bound first; at equal bounds an inclusive one starts first.
        return (interval.lower is not None, interval.lower or ZERO, not interval.lower_inclusive)

    ordered = sorted(intervals, key=start_key)
    first = ordered[0]
    if lowest is None:
        if first.lower is not None:
            problems.append(_("Còn thiếu khoảng cho giá trị dưới %(v)s%%.") % {"v": plain(first.lower)})
    elif first.lower is not None and (
        first.lower > lowest or (first.lower == lowest and not first.lower_inclusive)
    ):
        problems.append(_("Còn thiếu khoảng cho giá trị từ %(v)s%%.") % {"v": plain(lowest)})
    for before, after in zip(ordered, ordered[1:], strict=False):
        names = {"a": before.label, "b": after.label}
        if before.upper is None:
            problems.append(_("Khoảng “%(a)s” và “%(b)s” chồng lên nhau.") % names)
            continue
        if after.lower is None or after.lower < before.upper:
            problems.append(_("Khoảng “%(a)s” và “%(b)s” chồng lên nhau.") % names)
        elif after.lower > before.upper:
            problems.append(
                _("Còn thiếu khoảng giữa %(x)s%% và %(y)s%%.")
                % {"x": plain(before.upper), "y": plain(after.lower)}
            )
        elif before.upper_inclusive and after.lower_inclusive:
            problems.append(
                _("Giá trị %(v)s%% thuộc cả “%(a)s” và “%(b)s”.") % {"v": plain(after.lower), **names}
            )
        elif not before.upper_inclusive and not after.lower_inclusive:
            problems.append(
                _("Giá trị %(v)s%% không thuộc khoảng nào (giữa “%(a)s” và “%(b)s”).")
                % {"v": plain(after.lower), **names}
            )
    last = ordered[-1]
    if highest is None:
        if last.upper is not None:
            problems.append(_("Còn thiếu khoảng cho giá trị trên %(v)s%%.") % {"v": plain(last.upper)})
    elif last.upper is not None and (
        last.upper < highest or (last.upper == highest and not last.upper_inclusive)
    ):
        problems.append(_("Còn thiếu khoảng cho giá trị đến %(v)s%%.") % {"v": plain(highest)})
    return problems


def check_bands(bands: Iterable[Interval]) -> list[str]:
    """Classification bands of a set: from 0 % up, no overlap, no gap, the
    top one open (bonus points may take an index above 100 %)."""
    return check_intervals(list(bands), lowest=ZERO, highest=None)


def band_for(bands: Iterable, index: Decimal):
    """The band (anything with ``as_interval()``, or an ``Interval``) that
    holds ``index``, or ``None``."""
    for band in bands:
        interval = band if isinstance(band, Interval) else band.as_interval()
        if interval.contains(index):
            return band
    return None


# Methods and their parameters.


def _pct_intervals(params) -> list[tuple[Interval, Decimal]]:
    result = []
    for number, band in enumerate(params.get("bands") or [], start=1):
        lower = band.get("min")
        upper = band.get("max")
        interval = Interval(
            None if lower in (None, "") else parse_decimal(lower),
            bool(band.get("min_inclusive", True)),
            None if upper in (None, "") else parse_decimal(upper),
            bool(band.get("max_inclusive", False)),
            str(band.get("label") or _("khoảng %(n)s") % {"n": number}),
        )
        result.append((interval, parse_decimal(band.get("points"))))
    return result


def check_params(method: str, params, max_points) -> list[str]:
    """Problems with a leaf's method parameters, in Vietnamese (empty: fine).

    * ``yes_no``: nothing needed (yes gives the maximum, no gives 0).
    * ``levels``: ``{"levels": [{"label": "Đúng hạn", "points": "1"}, ...]}``,
      two or more, distinct labels, points from 0 to the maximum.
    * ``pct_bands``: ``{"bands": [{"min": "90", "min_inclusive": false,
      "max": "100", "max_inclusive": true, "points": "2"}, ...]}`` covering
      0 % to 100 % once each.
    * ``ratio``: optional ``numerator_label``, ``denominator_label``; the
      points are numerator ÷ denominator × maximum, at most the maximum.
    * ``points``, ``bonus``, ``penalty``: nothing; from 0 to the maximum
      (the cap of a bonus or a penalty).
    """
    if method not in Method.values:
        return [_("Phương pháp chấm “%(m)s” không có trong danh mục.") % {"m": method}]
    if not isinstance(params, dict):
        return [_("Tham số chấm điểm phải là một bảng khóa – giá trị.")]
    try:
        maximum = parse_decimal(max_points)
    except ScoringError:
        return [_("Điểm tối đa không phải là số.")]
    problems: list[str] = []
    allowed = {
        Method.YES_NO: {"yes_label", "no_label"},
        Method.LEVELS: {"levels"},
        Method.PCT_BANDS: {"bands"},
        Method.RATIO: {"numerator_label", "denominator_label"},
        Method.POINTS: set(),
        Method.BONUS: set(),
        Method.PENALTY: set(),
    }[method]
    unknown = sorted(set(params) - allowed)
    if unknown:
        problems.append(_("Tham số không dùng cho phương pháp này: %(k)s.") % {"k": ", ".join(unknown)})
    if method == Method.LEVELS:
        levels = params.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            return [*problems, _("Phương pháp theo mức cần ít nhất hai mức, mỗi mức có tên và số điểm.")]
        labels = set()
        for level in levels:
            if not isinstance(level, dict) or not str(level.get("label") or "").strip():
                problems.append(_("Mỗi mức phải có tên."))
                continue
            label = str(level["label"]).strip()
            if label in labels:
                problems.append(_("Mức “%(l)s” bị lặp.") % {"l": label})
            labels.add(label)
            try:
                points = parse_decimal(level.get("points"))
            except ScoringError:
                problems.append(_("Mức “%(l)s” chưa có số điểm.") % {"l": label})
                continue
            if points < 0 or points > maximum:
                problems.append(
                    _("Mức “%(l)s” có %(p)s điểm, ngoài khoảng 0 đến %(m)s.")
                    % {"l": label, "p": plain(points), "m": plain(maximum)}
                )
    elif method == Method.PCT_BANDS:
        if not isinstance(params.get("bands"), list) or not params["bands"]:
            return [
                *problems,
                _("Phương pháp theo khoảng tỷ lệ phần trăm cần các khoảng và số điểm của từng khoảng."),
            ]
        try:
            pairs = _pct_intervals(params)
        except (ScoringError, AttributeError):
            return [*problems, _("Mỗi khoảng tỷ lệ phải có cận là số và số điểm.")]
        for interval, points in pairs:
            if points < 0 or points > maximum:
                problems.append(
                    _("Khoảng “%(l)s” có %(p)s điểm, ngoài khoảng 0 đến %(m)s.")
                    % {"l": interval.describe(), "p": plain(points), "m": plain(maximum)}
                )
        problems += check_intervals([i for i, _p in pairs], lowest=ZERO, highest=HUNDRED)
    return problems


def _method_label(method: str) -> str:
    return str(Method(method).label) if method in Method.values else method


def points_for(method: str, params: Mapping, max_points: Decimal, entered: Mapping) -> Decimal:
    """The points of what a unit entered, within the method:

    ``{"yes": true}``; ``{"level": "Đúng hạn"}``; ``{"percent": "87,5"}``;
    ``{"numerator": 45, "denominator": 50}``; ``{"points": "1,5"}``.
    Raises ``ScoringError`` with a Vietnamese message."""
    if not isinstance(entered, Mapping):
        raise ScoringError(_("Kết quả tự đánh giá không hợp lệ."))
    maximum = Decimal(max_points)
    if method == Method.YES_NO:
        if not isinstance(entered.get("yes"), bool):
            raise ScoringError(_("Chọn đạt hoặc không đạt."))
        return maximum if entered["yes"] else ZERO
    if method == Method.LEVELS:
        label = str(entered.get("level") or "").strip()
        for level in params.get("levels") or []:
            if str(level.get("label")).strip() == label:
                return parse_decimal(level.get("points"))
        raise ScoringError(_("Mức “%(l)s” không có trong cách chấm của tiêu chí này.") % {"l": label})
    if method == Method.PCT_BANDS:
        percent = parse_decimal(entered.get("percent"))
        if percent < 0 or percent > HUNDRED:
            raise ScoringError(_("Tỷ lệ phải từ 0% đến 100%."))
        for interval, points in _pct_intervals(params):
            if interval.contains(percent):
                return points
        raise ScoringError(
            _("Tỷ lệ %(p)s%% không thuộc khoảng nào của tiêu chí này.") % {"p": plain(percent)}
        )
    if method == Method.RATIO:
        numerator = parse_decimal(entered.get("numerator"))
        denominator = parse_decimal(entered.get("denominator"))
        if denominator <= 0:
            raise ScoringError(_("Mẫu số phải lớn hơn 0 (không phát sinh thì chọn “không phát sinh”)."))
        if numerator < 0 or numerator > denominator:
            raise ScoringError(_("Tử số phải từ 0 đến mẫu số."))
        # Kept to four decimals, as scores are stored (ItemScore: 4 places).
        return (numerator / denominator * maximum).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
    if method in (Method.POINTS, Method.BONUS, Method.PENALTY):
        points = parse_decimal(entered.get("points"))
        error = check_points(method, params, maximum, points)
        if error:
            raise ScoringError(error)
        return points
    raise ScoringError(_("Tiêu chí này không chấm trực tiếp."))


def allowed_points(method: str, params: Mapping, max_points: Decimal) -> list[Decimal] | None:
    """The points a method can give, when it gives a few (``None``: any
    value from 0 to the maximum)."""
    maximum = Decimal(max_points)
    if method == Method.YES_NO:
        return [ZERO, maximum]
    if method == Method.LEVELS:
        return sorted({parse_decimal(level.get("points")) for level in params.get("levels") or []})
    if method == Method.PCT_BANDS:
        return sorted({points for _i, points in _pct_intervals(params)})
    return None


def check_points(method: str, params: Mapping, max_points: Decimal, points: Decimal) -> str | None:
    """Why ``points`` cannot be a score of this leaf (appraisers type points
    directly), or ``None``."""
    maximum = Decimal(max_points)
    if not method:
        return _("Tiêu chí này được tính từ các tiêu chí con, không chấm trực tiếp.")
    if points < 0:
        return _("Điểm không được âm.")
    if points > maximum:
        return _("Điểm %(p)s vượt điểm tối đa %(m)s của tiêu chí.") % {
            "p": plain(points),
            "m": plain(maximum),
        }
    allowed = allowed_points(method, params, maximum)
    if allowed is not None and points not in allowed:
        return _("Phương pháp “%(method)s” chỉ cho các mức điểm: %(allowed)s.") % {
            "method": _method_label(method),
            "allowed": "; ".join(plain(value) for value in allowed),
        }
    return None


# The index.


@dataclass(frozen=True)
class Node:
    """A node of a set as the engine needs it."""

    id: int
    parent_id: int | None
    code: str
    level: int
    max_points: Decimal
    assessment: str = Assessment.SELF
    method: str = ""
    na_policy: str = NotApplicable.ZERO


class Item(NamedTuple):
    """A unit's leaf: the points that count (round 2, else round 1, else
    self), the self points, and "không phát sinh". A named tuple: hundreds
    of thousands are made per cycle."""

    points: Decimal | None = None
    self_points: Decimal | None = None
    not_applicable: bool = False


@dataclass
class Area:
    """One area's figures: ``points`` is appraised plus survey points;
    ``survey`` the survey part of it."""

    max: Decimal = ZERO
    points: Decimal = ZERO
    self_points: Decimal = ZERO
    survey: Decimal = ZERO

    @property
    def appraised(self) -> Decimal:
        return self.points - self.survey

    @property
    def index(self) -> Decimal | None:
        return self.points / self.max * HUNDRED if self.max else None


@dataclass
class Score:
    """One unit's totals and index."""

    self_total: Decimal = ZERO
    appraised_total: Decimal = ZERO
    survey_total: Decimal = ZERO
    bonus: Decimal = ZERO
    penalty: Decimal = ZERO
    applicable_max: Decimal = ZERO
    provisional: bool = False
    areas: dict[str, Area] = field(default_factory=dict)

    @property
    def index(self) -> Decimal:
        if not self.applicable_max:
            return ZERO
        achieved = self.appraised_total + self.survey_total + self.bonus - self.penalty
        return max(ZERO, achieved / self.applicable_max * HUNDRED)


class Tree:
    """A set's nodes prepared once for scoring many units: the leaves, each
    with the code of its area (its level-1 ancestor)."""

    def __init__(
        self, nodes: Iterable[Node], *, bonus_cap: Decimal | None = None, penalty_cap: Decimal | None = None
    ):
        nodes = list(nodes)
        by_id = {node.id: node for node in nodes}
        parents = {node.parent_id for node in nodes if node.parent_id is not None}
        self.bonus_cap = bonus_cap
        self.penalty_cap = penalty_cap
        self.areas = [node for node in nodes if node.parent_id is None]
        self.leaves: list[tuple[Node, str]] = []
        for node in nodes:
            if node.id in parents:
                continue
            top = node
            while top.parent_id is not None:
                top = by_id[top.parent_id]
            self.leaves.append((node, top.code))

    def score(
        self, items: Mapping[int, Item], survey: Mapping[int, Decimal], *, survey_held: bool = True
    ) -> Score:
        """One unit's score from its items (by node id) and survey points."""
        result = Score(areas={area.code: Area() for area in self.areas})
        bonus = penalty = ZERO
        for node, area_code in self.leaves:
            area = result.areas[area_code]
            maximum = node.max_points
            if node.method in ADJUSTMENT_METHODS:
                item = items.get(node.id)
                points = min(item.points or ZERO, maximum) if item else ZERO
                if node.method == Method.BONUS:
                    bonus += points
                else:
                    penalty += points
                continue
            if node.assessment == Assessment.SURVEY:
                if not survey_held:
                    continue
                points = survey.get(node.id)
                if points is None:
                    result.provisional = True
                    points = ZERO
                points = min(points, maximum)
                result.survey_total += points
                result.applicable_max += maximum
                area.max += maximum
                area.points += points
                area.survey += points
                continue
            item = items.get(node.id)
            if item is not None and item.not_applicable:
                if node.na_policy == NotApplicable.EXCLUDE:
                    continue
                points = self_points = maximum if node.na_policy == NotApplicable.FULL else ZERO
            else:
                points = min(item.points or ZERO, maximum) if item else ZERO
                self_points = min(item.self_points or ZERO, maximum) if item else ZERO
            result.appraised_total += points
            result.self_total += self_points
            result.applicable_max += maximum
            area.max += maximum
            area.points += points
            area.self_points += self_points
        result.bonus = bonus if self.bonus_cap is None else min(bonus, self.bonus_cap)
        result.penalty = penalty if self.penalty_cap is None else min(penalty, self.penalty_cap)
        return result


def rank_key(index: Decimal, survey: Decimal, appraised: Decimal) -> tuple:
    """The order of ranking: higher unrounded index, then higher survey
    points, then higher appraised points."""
    return (-index, -survey, -appraised)


def ranks(entries: Iterable[tuple[object, Decimal, Decimal, Decimal]]) -> dict[object, int]:
    """Competition ranks (1, 2, 2, 4) of ``(key, index, survey, appraised)``
    entries, by ``rank_key``; entries equal on all three share a rank."""
    ordered = sorted(entries, key=lambda entry: rank_key(*entry[1:]))
    result: dict[object, int] = {}
    previous = None
    rank = 0
    for position, (key, *values) in enumerate(ordered, start=1):
        current = tuple(values)
        if current != previous:
            rank = position
            previous = current
        result[key] = rank
    return result


def rollup_problems(nodes: Iterable[Node], total: Decimal) -> list[str]:
    """A set whose maxima do not add up: each inner node's maximum must be
    the sum of its children's (bonus and penalty leaves aside), and the
    areas must add up to the set's total."""
    nodes = list(nodes)
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    problems = []
    for node in nodes:
        kids = children.get(node.id)
        if not kids:
            if not node.method:
                problems.append(
                    _("Tiêu chí %(c)s không có tiêu chí con nên phải có phương pháp chấm.") % {"c": node.code}
                )
            continue
        if node.method:
            problems.append(_("Tiêu chí %(c)s có tiêu chí con nên không chấm trực tiếp.") % {"c": node.code})
        counted = [kid for kid in kids if kid.method not in ADJUSTMENT_METHODS]
        if not counted:
            continue
        expected = sum((kid.max_points for kid in counted), ZERO)
        if expected != node.max_points:
            problems.append(
                _("Tiêu chí %(c)s có điểm tối đa %(m)s nhưng các tiêu chí con cộng lại được %(s)s.")
                % {"c": node.code, "m": plain(node.max_points), "s": plain(expected)}
            )
    areas = [node for node in children.get(None, []) if node.method not in ADJUSTMENT_METHODS]
    sum_areas = sum((node.max_points for node in areas if _counts(node, children)), ZERO)
    if sum_areas != total:
        problems.append(
            _("Các lĩnh vực cộng lại được %(s)s điểm, khác tổng điểm tối đa %(t)s của bộ tiêu chí.")
            % {"s": plain(sum_areas), "t": plain(total)}
        )
    return problems


def _counts(node: Node, children) -> bool:
    """Whether an area counts toward the total (an area made only of bonus
    and penalty leaves does not)."""
    kids = children.get(node.id)
    if not kids:
        return node.method not in ADJUSTMENT_METHODS
    return any(_counts(kid, children) for kid in kids)

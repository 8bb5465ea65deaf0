"""Scoped, aggregated reads behind the dashboards.

A dashboard looks at one *root* (a unit in the user's scope, or the whole
country for a superuser), one year, optionally one reform area, in one of
two ways:

- today's units (``current``): the figures of units that ended count under
  the current unit that took them over (``UnitRollup``), so a leader of
  today's commune sees the history of the communes merged into it;
- units as they were (``current=False``): every figure stays under the unit
  it was recorded for, with its own name.

Every aggregate runs in the database and returns at most one row per row of
the table it feeds: rows (the root's children) are told apart by the path
segment that follows the root's path (``bucket``), computed in SQL from the
unit's path, or from its current unit's path. The area of the root is one
path-prefix condition (``unit.path LIKE '/12/%'``), never a list of ids, so
the number and the shape of the queries do not depend on how many units a
scope holds.

Who may look where comes from ``cchc.access``: the root must be in the
user's scope for the dashboard roles (a 404 otherwise), and the area under a
root in scope is in scope too (a scope holds every unit under its units and
every unit they took over). Drafts (inspections not yet concluded) count
only where the plan's issuer is in the user's staff scope, as on the
inspection pages; findings and tasks count once the conclusion is issued.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, ExtractYear, StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.access import OutOfScope, action_roles, can_reach
from cchc.choices import DocumentStatus, UnitKind
from cchc.models import Membership, OfficialDocument, ReformArea, Unit
from indicators.choices import TableStatus
from indicators.models import Indicator, IndicatorValue
from inspections.choices import FindingKind, InspectionStatus, ReviewDecision, TaskStatus
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    RemediationReportItem,
    RemediationTask,
    RemediationTaskQuerySet,
)

#: How many years the trends look back, the selected year included.
TREND_YEARS = 10

#: Indicator tables that count: sent, approved or locked (not drafts being typed).
COUNTED_TABLES = (
    TableStatus.SUBMITTED,
    TableStatus.APPROVED,
    TableStatus.LOCKED,
)


# --- indicator figures ----------------------------------------------------


@dataclass(frozen=True)
class MetricPart:
    """Cells of the indicator tables that add up to one side of a share:
    rows of appendix ``template`` (any catalogue version), each taken only
    from the tables of the kinds of unit whose own level it describes (a
    province's or a district's table restates the lower levels, which would
    count twice), and the part of the cell (``field``: "number", the count
    or the numerator; "denominator")."""

    template: str
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    field: str


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    numerator: MetricPart
    denominator: MetricPart
    definition: str


_LEVELS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)
_BY_LEVEL = {"1": UnitKind.DEPARTMENT, "2": UnitKind.DISTRICT, "3": UnitKind.COMMUNE}


def _per_level(prefix: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((f"{prefix}.{digit}", (kind,)) for digit, kind in _BY_LEVEL.items())


METRICS: tuple[Metric, ...] = (
    Metric(
        key="dossiers_on_time",
        label=_("Hồ sơ TTHC giải quyết đúng hạn"),
        numerator=MetricPart("PL03", _per_level("5"), "number"),
        denominator=MetricPart("PL03", _per_level("5"), "denominator"),
        definition=_(
            "Phụ lục 03, chỉ tiêu 5.1 (sở, ngành), 5.2 (cấp huyện), 5.3 (cấp xã): tổng số hồ sơ giải "
            "quyết đúng hạn trên tổng số hồ sơ đã giải quyết, mỗi cấp lấy từ bảng của chính cấp đó."
        ),
    ),
    Metric(
        key="procedures_online",
        label=_("TTHC cung cấp trực tuyến"),
        numerator=MetricPart("PL07", (("7", _LEVELS),), "number"),
        denominator=MetricPart("PL03", _per_level("1"), "number"),
        definition=_(
            "Phụ lục 07, chỉ tiêu 7 (số TTHC cung cấp trực tuyến mức độ 3, 4) trên số TTHC thực hiện tại "
            "cấp của đơn vị (Phụ lục 03, chỉ tiêu 1.1 sở, ngành; 1.2 cấp huyện; 1.3 cấp xã)."
        ),
    ),
    Metric(
        key="dossiers_online",
        label=_("Hồ sơ giải quyết trực tuyến"),
        numerator=MetricPart("PL07", (("10", _LEVELS),), "number"),
        denominator=MetricPart("PL07", (("10", _LEVELS),), "denominator"),
        definition=_(
            "Phụ lục 07, chỉ tiêu 10: số hồ sơ giải quyết trực tuyến mức độ 3, 4 trên tổng số hồ sơ "
            "của các TTHC triển khai trực tuyến."
        ),
    ),
)
METRICS_BY_KEY = {metric.key: metric for metric in METRICS}


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return 100 * self.numerator / self.denominator


# --- the scope of a dashboard ---------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a dashboard page looks at. ``root`` None: every unit (only a
    superuser). ``forced_history``: the root has ended, so it is shown as
    it was (its units' successors lie outside it)."""

    user: object
    root: Unit | None
    year: int
    current: bool
    area: ReformArea | None
    today: datetime.date
    forced_history: bool = False
    roots: tuple = ()
    indicator_ids: dict = field(default_factory=dict, compare=False)
    document: OfficialDocument | None = None

    @property
    def root_path(self) -> str:
        return self.root.path if self.root is not None else "/"

    @property
    def mode(self) -> str:
        return "current" if self.current else "history"

    def params(self, **overrides) -> dict:
        """The query-string parameters that describe this scope."""
        params = {"year": self.year, "mode": self.mode}
        if self.root is not None:
            params["unit"] = self.root.pk
        if self.area is not None:
            params["area"] = self.area.pk
        if self.document is not None:
            params["document"] = self.document.pk
        params.update(overrides)
        return {key: value for key, value in params.items() if value not in (None, "")}

    def with_root(self, root: Unit | None) -> Scope:
        return replace(self, root=root)


def dashboard_roots(user) -> list[Unit]:
    """The units a user's dashboard starts from: the units of their current
    memberships with a dashboard role, without those under another one.
    Empty for a superuser without membership (the whole country)."""
    units = [
        membership.unit
        for membership in Membership.objects.current()
        .filter(user=user, role__in=action_roles("dashboard.view"))
        .select_related("unit")
        .order_by("unit__path")
    ]
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def default_year(root: Unit | None, today: datetime.date) -> int:
    """The year a dashboard opens on: the latest year, up to this one, with
    an inspection under ``root`` (counted under its own unit or under the
    unit that carries it on today), else this year (one query)."""
    inspections = Inspection.objects.filter(plan__year__lte=today.year)
    if root is not None:
        inspections = inspections.filter(
            Q(unit__path__startswith=root.path)
            | Q(unit__dashboard_rollup__current_path__startswith=root.path)
        )
    return inspections.aggregate(latest=Max("plan__year"))["latest"] or today.year


def resolve_scope(
    user,
    *,
    unit_id: int | None,
    year: int | None,
    mode: str | None,
    area_id: int | None,
    document_id: int | None = None,
    today: datetime.date | None = None,
) -> Scope:
    """The scope a request asks for. A unit outside the user's scope, or
    one that does not exist, is ``OutOfScope``; so is a source document
    that is not an issued document assigning tasks (the figures stay those
    of the root's area whatever the document)."""
    today = today or timezone.localdate()
    roots = tuple(dashboard_roots(user))
    if unit_id is not None:
        root = Unit.objects.filter(pk=unit_id).first()
        if root is None or not can_reach(user, "dashboard.view", root.pk):
            raise OutOfScope("Unit not in the dashboard scope")
    elif user.is_superuser:
        root = None
    elif not roots:
        raise OutOfScope("No unit to look at")
    else:
        root = roots[0]
    area = ReformArea.objects.filter(pk=area_id).first() if area_id else None
    document = None
    if document_id is not None:
        document = (
            OfficialDocument.objects.exclude(status=DocumentStatus.DRAFT)
            .filter(pk=document_id, task_assignments__isnull=False)
            .distinct()
            .first()
        )
        if document is None:
            raise OutOfScope("No such source document")
    ended = root is not None and root.valid_to is not None and root.valid_to < today
    return Scope(
        user=user,
        root=root,
        year=year or default_year(root, today),
        current=(mode != "history") and not ended,
        area=area,
        today=today,
        forced_history=ended and mode != "history",
        roots=roots,
        document=document,
    )


# --- the area of the root, and its rows -------------------------------------


def unit_path(scope: Scope, prefix: str):
    """The path a record's unit counts under: its current unit's path
    for today's units, its own otherwise."""
    if scope.current:
        return F(f"{prefix}dashboard_rollup__current_path")
    return F(f"{prefix}path")


def in_area(scope: Scope, queryset, prefix: str):
    """Records whose unit (``prefix`` leads to it) counts under the root:
    one path-prefix condition, through an index."""
    if scope.root is None:
        return queryset
    if scope.current:
        return queryset.filter(**{f"{prefix}dashboard_rollup__current_path__startswith": scope.root.path})
    return queryset.filter(**{f"{prefix}path__startswith": scope.root.path})


def bucket(scope: Scope, prefix: str):
    """The id (as text) of the root's child a record counts under: the path
    segment after the root's path; "" for the root itself."""
    path = unit_path(scope, prefix)
    start = len(scope.root_path) + 1
    rest = Substr(path, start)
    return Substr(path, start, StrIndex(Concat(rest, Value("/")), Value("/")) - 1)


def row_units(scope: Scope, extra_ids) -> list[Unit]:
    """The rows of the units table: the root's children that exist today
    (or existed in the year, for units as they were), and any other unit
    figures were found under (an ended unit without successor)."""
    if scope.current:
        active = Q(valid_from__isnull=True) | Q(valid_from__lte=scope.today)
        active &= Q(valid_to__isnull=True) | Q(valid_to__gte=scope.today)
    else:
        active = Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(scope.year, 12, 31))
        active &= Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(scope.year, 1, 1))
    children = Q(parent=scope.root) if scope.root is not None else Q(parent__isnull=True)
    return list(Unit.objects.filter((children & active) | Q(pk__in=list(extra_ids))).order_by("path"))


def ancestors(root: Unit | None) -> list[Unit]:
    """The units above ``root``, top first (one query)."""
    if root is None:
        return []
    ids = [int(part) for part in root.path.strip("/").split("/")[:-1] if part]
    by_id = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def bucket_key(value: str | None) -> int | None:
    """The unit id of a bucket; None for the root itself."""
    return int(value) if value else None


# --- base record sets ------------------------------------------------------------


def staff_issuer_q(scope: Scope, field_name: str) -> Q:
    """Issuers in the user's staff scope, as path prefixes: a unit under one
    of the user's units, or one that those units took over. A subset of
    ``cchc.access`` scope (which also holds every unit under a unit taken
    over), computed in SQL instead of as a list of thousands of ids."""
    if scope.user.is_superuser:
        return ~Q(pk__in=[])
    condition = Q(pk__in=[])
    for root in scope.roots:
        condition |= Q(**{f"{field_name}__path__startswith": root.path})
        condition |= Q(**{f"{field_name}__dashboard_rollup__current_path__startswith": root.path})
    return condition


def _drafts_visible(scope: Scope, prefix: str = "") -> Q:
    """Issued conclusions, and drafts of plans issued in the user's scope."""
    return Q(**{f"{prefix}notice_issued_at__isnull": False}) | staff_issuer_q(scope, f"{prefix}plan__issuer")


def planned_units(scope: Scope):
    """(plan, unit) pairs of the year's plans, issued in the user's staff
    scope, whose unit counts under the root."""
    through = InspectionPlan.planned_units.through
    queryset = through.objects.filter(
        Q(inspectionplan__year=scope.year) & staff_issuer_q(scope, "inspectionplan__issuer")
    )
    return in_area(scope, queryset, "unit__")


def inspections(scope: Scope, years=None):
    """The inspections of the year (or years) counting under the root."""
    queryset = Inspection.objects.filter(_drafts_visible(scope), **_year_filter("plan__year", scope, years))
    return in_area(scope, queryset, "unit__")


def _year_filter(field_name: str, scope: Scope, years) -> dict:
    if years is None:
        return {field_name: scope.year}
    return {f"{field_name}__range": (years[0], years[-1])}


def findings(scope: Scope, years=None):
    """Points of issued conclusions of the year counting under the root, in
    the reform area when one is chosen."""
    queryset = Finding.objects.filter(
        inspection__notice_issued_at__isnull=False, **_year_filter("inspection__plan__year", scope, years)
    )
    if scope.area is not None:
        queryset = queryset.filter(reform_area=scope.area)
    return in_area(scope, queryset, "inspection__unit__")


# Remediation tasks come from an inspection's conclusion; assigned tasks from
# a document's numbered point (issue 13). Both are ``RemediationTask`` rows,
# with the same rules (``RemediationTaskQuerySet``); the dashboards count
# them side by side.
REMEDIATION_Q = Q(inspection__isnull=False)
ASSIGNED_Q = Q(inspection__isnull=True, source_document__isnull=False)


def tasks(scope: Scope, years=None):
    """The tasks of the year, by the unit responsible, in the reform area
    when one is chosen: remediation tasks of the conclusions issued for the
    year's plans, and tasks assigned by the documents issued in the year
    (only the chosen source document's, when one is chosen)."""
    remediation = Q(
        inspection__notice_issued_at__isnull=False, **_year_filter("inspection__plan__year", scope, years)
    )
    assigned = ASSIGNED_Q & Q(**_year_filter("source_document__issued_on__year", scope, years))
    if scope.document is not None:
        assigned &= Q(source_document=scope.document)
    queryset = RemediationTask.objects.filter(remediation | assigned)
    if scope.area is not None:
        queryset = queryset.filter(reform_area=scope.area)
    return in_area(scope, queryset, "responsible_unit__")


def task_year():
    """The year a task counts in: its plan's, or its document's issue year."""
    return Coalesce(F("inspection__plan__year"), ExtractYear("source_document__issued_on"))


def indicator_values(scope: Scope, years=None, metrics=METRICS, *, exact: bool = True):
    """Cells of full-year tables (sent, approved or locked) that feed the
    indicator figures. Not ``exact``: every cell of the metrics' rows,
    whatever the level of the table, for aggregates whose own filters pick
    the cells (one index condition instead of one per row and level, which
    PostgreSQL checks faster on a national scan)."""
    if exact:
        cells = Q(pk__in=[])
        for metric in metrics:
            cells |= metric_values_q(scope, metric)
    else:
        ids = metric_indicator_ids(scope)
        cells = Q(
            indicator_id__in=sorted(
                {
                    pk
                    for metric in metrics
                    for part in (metric.numerator, metric.denominator)
                    for number, _kinds in part.rows
                    for pk in ids[(part.template, number)]
                }
            )
        )
    queryset = IndicatorValue.objects.filter(
        cells,
        not_applicable=False,
        table__through__isnull=True,
        table__status__in=COUNTED_TABLES,
        **_year_filter("table__year", scope, years),
    )
    return in_area(scope, queryset, "table__unit__")


def metric_indicator_ids(scope: Scope) -> dict[tuple[str, str], list[int]]:
    """(appendix, STT) -> ids of that row in every catalogue version (one
    query, kept on the scope for the request)."""
    if scope.indicator_ids:
        return scope.indicator_ids
    wanted = {
        (part.template, number)
        for metric in METRICS
        for part in (metric.numerator, metric.denominator)
        for number, _kinds in part.rows
    }
    condition = Q(pk__in=[])
    for template, number in wanted:
        condition |= Q(template__code=template, number=number)
    for key in wanted:
        scope.indicator_ids[key] = []
    for pk, template, number in Indicator.objects.filter(condition).values_list(
        "pk", "template__code", "number"
    ):
        scope.indicator_ids[(template, number)].append(pk)
    return scope.indicator_ids


def _part_q(scope: Scope, part: MetricPart) -> Q:
    ids = metric_indicator_ids(scope)
    condition = Q(pk__in=[])
    for number, kinds in part.rows:
        condition |= Q(indicator_id__in=ids[(part.template, number)], table__unit__kind__in=kinds)
    return condition & Q(**{f"{part.field}__isnull": False})


# --- aggregate expressions --------------------------------------------------------


def on_time_q() -> Q:
    """Remediated on time: accepted, on a report the unit sent by the
    deadline."""
    on_time_report = RemediationReportItem.objects.filter(on_time_item_q())
    return Q(status=TaskStatus.ACCEPTED) & Q(Exists(on_time_report))


def task_aggregates(today: datetime.date) -> dict:
    """The remediation tasks' figures, and beside them the assigned tasks'
    (``assigned_*``), in the same pass over the tasks."""
    accepted = Q(status=TaskStatus.ACCEPTED)
    days = ExpressionWrapper(
        F("accepted_at") - F("inspection__notice_issued_at"), output_field=DurationField()
    )
    remediation = REMEDIATION_Q
    overdue = RemediationTaskQuerySet.overdue_q(today)
    # Days are counted only where both ends are known, so the sum and the
    # count cover the same tasks.
    timed = accepted & Q(inspection__notice_issued_at__isnull=False)
    return {
        "total": Count("id", filter=remediation),
        "open": Count("id", filter=remediation & ~accepted),
        "overdue": Count("id", filter=remediation & overdue),
        "not_due": Count("id", filter=remediation & not_due_q(today)),
        "reported": Count("id", filter=remediation & Q(status=TaskStatus.REPORTED)),
        "accepted": Count("id", filter=remediation & accepted),
        "due": Count("id", filter=remediation & (Q(deadline__lt=today) | accepted)),
        "on_time": Count("id", filter=remediation & on_time_q()),
        "days_total": Sum(days, filter=remediation & timed),
        "days_count": Count("id", filter=remediation & timed),
        "assigned": Count("id", filter=ASSIGNED_Q),
        "assigned_open": Count("id", filter=ASSIGNED_Q & ~accepted),
        "assigned_overdue": Count("id", filter=ASSIGNED_Q & overdue),
        "assigned_accepted": Count("id", filter=ASSIGNED_Q & accepted),
    }


def sum_rows(rows: list[dict]) -> dict:
    """Rows of ``task_aggregates`` added up (counts, and the summed days,
    which a backend returns as a duration or as microseconds)."""
    total: dict = {}
    for row in rows:
        for key, value in row.items():
            if value is None:
                total.setdefault(key, None)
            elif total.get(key) is None:
                total[key] = value
            else:
                total[key] += value
    return total


def not_due_q(today: datetime.date) -> Q:
    """Still to be reported (open or returned) and the deadline not passed:
    with ``overdue_q``, reported and accepted, every task is in exactly one
    of the four."""
    return RemediationTaskQuerySet.open_q() & ~RemediationTaskQuerySet.overdue_q(today)


def task_status_q(status: str, today: datetime.date) -> Q | None:
    """The tasks behind a task figure; None for an unknown status."""
    accepted = Q(status=TaskStatus.ACCEPTED)
    due = Q(deadline__lt=today) | accepted
    return {
        "all": Q(),
        "open": ~accepted,
        "overdue": RemediationTaskQuerySet.overdue_q(today),
        "not_due": not_due_q(today),
        "reported": Q(status=TaskStatus.REPORTED),
        "accepted": accepted,
        "due": due,
        "on_time": on_time_q(),
        "late": due & ~on_time_q(),
    }.get(status)


def inspection_aggregates() -> dict:
    return {
        "total": Count("id"),
        "done": Count("id", filter=~Q(status=InspectionStatus.PLANNED)),
        "issued": Count("id", filter=Q(notice_issued_at__isnull=False)),
    }


def inspection_status_q(status: str) -> Q | None:
    return {
        "all": Q(),
        "done": ~Q(status=InspectionStatus.PLANNED),
        "issued": Q(notice_issued_at__isnull=False),
    }.get(status)


def recurring_q() -> Q:
    """A shortcoming the same unit also had, in the same reform area, at
    its previous inspection (the last one with an issued conclusion before
    this one). Areas are matched by name, so the 2021-2030 catalogue meets
    the same area of the 2011-2020 one.

    Written as "a shortcoming at an earlier inspection of the unit, with no
    issued inspection in between" (a semi-join and an anti-join on the
    inspection's unit) rather than "the shortcomings of the previous
    inspection": PostgreSQL plans the first with hash joins, and the second
    (a subquery inside EXISTS) as a join on a per-row subplan."""
    in_between = Inspection.objects.filter(
        unit_id=OuterRef(OuterRef("inspection__unit_id")),
        notice_issued_at__isnull=False,
        inspected_on__gt=OuterRef("inspection__inspected_on"),
        inspected_on__lt=OuterRef(OuterRef("inspection__inspected_on")),
    )
    earlier = Finding.objects.filter(
        ~Q(Exists(in_between)),
        kind=FindingKind.SHORTCOMING,
        reform_area__name=OuterRef("reform_area__name"),
        inspection__unit_id=OuterRef("inspection__unit_id"),
        inspection__notice_issued_at__isnull=False,
        inspection__inspected_on__lt=OuterRef("inspection__inspected_on"),
    )
    return Q(kind=FindingKind.SHORTCOMING) & Q(Exists(earlier))


def finding_aggregates() -> dict:
    return {
        "achievements": Count("id", filter=Q(kind=FindingKind.ACHIEVEMENT)),
        "shortcomings": Count("id", filter=Q(kind=FindingKind.SHORTCOMING)),
        "recommendations": Count("id", filter=Q(kind=FindingKind.RECOMMENDATION)),
        "recurring": Count("id", filter=recurring_q()),
    }


def metric_aggregates(scope: Scope, metrics=METRICS) -> dict:
    aggregates = {}
    for metric in metrics:
        for side, part in (("num", metric.numerator), ("den", metric.denominator)):
            aggregates[f"{metric.key}__{side}"] = Sum(part.field, filter=_part_q(scope, part))
    return aggregates


def metric_ratios(row: dict, metrics=METRICS) -> dict[str, Ratio]:
    return {
        metric.key: Ratio(row.get(f"{metric.key}__num") or 0, row.get(f"{metric.key}__den") or 0)
        for metric in metrics
    }


def metric_values_q(scope: Scope, metric: Metric) -> Q:
    """The cells behind one metric."""
    return _part_q(scope, metric.numerator) | _part_q(scope, metric.denominator)


# --- the figures of each page ----------------------------------------------------


def year_glance(scope: Scope) -> dict:
    """Inspections planned, done and concluded; tasks open, overdue,
    accepted; the on-time rate and the days to remediate (three queries)."""
    planned = planned_units(scope).count()
    figures = inspections(scope).order_by().aggregate(**inspection_aggregates())
    # One row per source document (none for remediation tasks): the
    # documents that assign tasks here, for the filter, in the same query.
    rows = list(
        tasks(scope)
        .order_by()
        .values(
            "source_document_id",
            "source_document__number",
            "source_document__type_code",
            "source_document__symbol",
            "source_document__summary",
            "source_document__issued_on",
        )
        .annotate(**task_aggregates(scope.today))
    )
    documents = sorted(
        (row for row in rows if row["source_document_id"] is not None),
        key=lambda row: (row["source_document__issued_on"], row["source_document_id"]),
        reverse=True,
    )
    keys = task_aggregates(scope.today)
    task_figures = sum_rows([{key: row[key] for key in keys} for row in rows])
    return {"planned": planned, "inspections": figures, "tasks": task_figures, "documents": documents}


def findings_by_area(scope: Scope) -> list[dict]:
    """Points per reform area and kind, with the recurring shortcomings and
    the number of units concerned (one query)."""
    return list(
        findings(scope)
        .order_by()
        .values("reform_area_id")
        .annotate(
            **finding_aggregates(),
            units=Count("inspection__unit_id", distinct=True, filter=Q(kind=FindingKind.SHORTCOMING)),
        )
    )


def top_shortcomings(scope: Scope, limit: int = 10) -> list[dict]:
    """The shortcomings written the same way most often (one query)."""
    return list(
        findings(scope)
        .filter(kind=FindingKind.SHORTCOMING)
        .order_by()
        .values("reform_area_id", "text")
        .annotate(count=Count("id"), units=Count("inspection__unit_id", distinct=True))
        .order_by("-count", "-units", "text")[:limit]
    )


def recurring_units(scope: Scope, limit: int = 20) -> tuple[list[dict], int]:
    """Units with a shortcoming repeated from their previous inspection, per
    reform area, most repeated first: the first ``limit`` and how many
    (unit, area) pairs there are (one query)."""
    rows = list(
        findings(scope)
        .filter(recurring_q())
        .order_by()
        .values(
            "inspection__unit_id",
            "inspection__unit__name",
            "inspection__unit__short_name",
            "reform_area_id",
        )
        .annotate(count=Count("id"))
        .order_by("-count", "inspection__unit__name", "reform_area_id")
    )
    return rows[:limit], len(rows)


def by_bucket(scope: Scope) -> dict:
    """The four aggregates of the units table, one row per root child
    (four queries)."""
    return {
        "inspections": {
            row["b"]: row
            for row in inspections(scope)
            .order_by()
            .values(b=bucket(scope, "unit__"))
            .annotate(**inspection_aggregates())
        },
        "tasks": {
            row["b"]: row
            for row in tasks(scope)
            .order_by()
            .values(b=bucket(scope, "responsible_unit__"))
            .annotate(**task_aggregates(scope.today))
        },
        "findings": {
            row["b"]: row
            for row in findings(scope)
            .filter(kind=FindingKind.SHORTCOMING)
            .order_by()
            .values(b=bucket(scope, "inspection__unit__"))
            .annotate(shortcomings=Count("id"), recurring=Count("id", filter=recurring_q()))
        },
        "indicators": {
            row["b"]: row
            for row in indicator_values(scope)
            .order_by()
            .values(b=bucket(scope, "table__unit__"))
            .annotate(**metric_aggregates(scope))
        },
    }


def trend_years(scope: Scope) -> list[int]:
    return list(range(scope.year - TREND_YEARS + 1, scope.year + 1))


def by_year(scope: Scope) -> dict:
    """The same figures per year over the trend's years (four queries)."""
    years = trend_years(scope)
    return {
        "inspections": {
            row["y"]: row
            for row in inspections(scope, years)
            .order_by()
            .values(y=F("plan__year"))
            .annotate(**inspection_aggregates())
        },
        "tasks": {
            row["y"]: row
            for row in tasks(scope, years)
            .order_by()
            .values(y=task_year())
            .annotate(**task_aggregates(scope.today))
        },
        "findings": {
            row["y"]: row
            for row in findings(scope, years)
            .filter(kind=FindingKind.SHORTCOMING)
            .order_by()
            .values(y=F("inspection__plan__year"))
            .annotate(shortcomings=Count("id"), units=Count("inspection__unit_id", distinct=True))
        },
        "indicators": {
            row["y"]: row
            for row in indicator_values(scope, years, exact=False)
            .order_by()
            .values(y=F("table__year"))
            .annotate(**metric_aggregates(scope))
        },
    }


def reform_areas(year: int | None = None) -> list[ReformArea]:
    """The catalogue, those valid in ``year`` first (one query)."""
    areas = list(ReformArea.objects.order_by("-valid_from_year", "position", "pk"))
    if year is None:
        return areas
    return sorted(areas, key=lambda area: (not area.is_valid_in(year),))


# --- the lists behind the figures -----------------------------------------------------


def own_only(scope: Scope, queryset, prefix: str):
    """Only the records of the root itself, not of the units under it."""
    if scope.root is None:
        return queryset
    alias = f"_own_{prefix.strip('_').replace('__', '_')}"
    return queryset.alias(**{alias: unit_path(scope, prefix)}).filter(**{alias: scope.root.path})


def planned_rows(scope: Scope, *, own: bool = False):
    """The (plan, unit) pairs behind "planned", with the inspection of the
    pair when there is one."""
    queryset = planned_units(scope)
    if own:
        queryset = own_only(scope, queryset, "unit__")
    inspection = Inspection.objects.filter(plan_id=OuterRef("inspectionplan_id"), unit_id=OuterRef("unit_id"))
    return (
        queryset.select_related("inspectionplan", "inspectionplan__issuer", "unit")
        .annotate(
            inspection_id=Subquery(inspection.values("pk")[:1]),
            inspection_status=Subquery(inspection.values("status")[:1]),
        )
        .order_by("unit__path", "inspectionplan_id")
    )


def inspection_rows(scope: Scope, *, status: str, own: bool = False):
    condition = inspection_status_q(status)
    if condition is None:
        raise OutOfScope("Unknown status")
    queryset = inspections(scope).filter(condition)
    if own:
        queryset = own_only(scope, queryset, "unit__")
    return queryset.select_related("unit", "plan", "plan__issuer").order_by(
        "unit__path", "-inspected_on", "-id"
    )


def task_rows(scope: Scope, *, status: str, own: bool = False, assigned: bool = False):
    """The tasks behind a figure: remediation tasks, or (``assigned``)
    tasks assigned by documents."""
    condition = task_status_q(status, scope.today)
    if condition is None:
        raise OutOfScope("Unknown status")
    queryset = tasks(scope).filter(condition & (ASSIGNED_Q if assigned else REMEDIATION_Q))
    if own:
        queryset = own_only(scope, queryset, "responsible_unit__")
    return (
        queryset.with_deadline_facts(scope.today)
        .annotate(on_time=ExpressionWrapper(on_time_q(), output_field=BooleanField()))
        .select_related(
            "responsible_unit", "inspection__unit", "inspection__plan", "reform_area", "source_document"
        )
        .order_by("responsible_unit__path", "deadline", "id")
    )


def on_time_item_q() -> Q:
    return Q(
        task=OuterRef("pk"),
        decision=ReviewDecision.ACCEPTED,
        report__submitted_at__date__lte=OuterRef("deadline"),
    )


def finding_rows(
    scope: Scope, *, kind: str | None = None, recurring: bool = False, text: str = "", own: bool = False
):
    queryset = findings(scope)
    if kind:
        if kind not in FindingKind.values:
            raise OutOfScope("Unknown kind")
        queryset = queryset.filter(kind=kind)
    if recurring:
        queryset = queryset.filter(recurring_q())
    if text:
        queryset = queryset.filter(text=text)
    if own:
        queryset = own_only(scope, queryset, "inspection__unit__")
    return (
        queryset.annotate(is_recurring=ExpressionWrapper(recurring_q(), output_field=BooleanField()))
        .select_related("inspection__unit", "inspection__plan", "reform_area")
        .order_by("inspection__unit__path", "-inspection__inspected_on", "kind", "position", "id")
    )


def indicator_rows(scope: Scope, *, metric: Metric, own: bool = False):
    """One row per table with the two sides of the metric (``num``, ``den``)."""
    queryset = indicator_values(scope, metrics=(metric,))
    if own:
        queryset = own_only(scope, queryset, "table__unit__")
    sums = metric_aggregates(scope, (metric,))
    return (
        queryset.order_by()
        .values(
            "table_id",
            "table__unit__name",
            "table__unit__short_name",
            "table__unit__path",
            "table__year",
        )
        .annotate(num=sums[f"{metric.key}__num"], den=sums[f"{metric.key}__den"])
        .order_by("table__unit__path", "table_id")
    )

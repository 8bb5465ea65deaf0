"""The dashboards' pages as plain view-models: figures with the link to the
list behind each, tables (also written to Excel) and charts. Views, the PDF
handout and the Excel export all render these, so they always agree; tests
check the content here without a browser."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.models import ReformArea, Unit

from . import selectors
from .charts import Bar, BarChart, LineChart, Segment, bar_chart, fmt_number, fmt_percent, line_chart
from .selectors import METRICS, Metric, Ratio, Scope, bucket_key

PAGES = (
    ("overview", gettext_lazy("Tổng quan năm")),
    ("findings", gettext_lazy("Tồn tại, hạn chế")),
    ("units", gettext_lazy("So sánh đơn vị")),
    ("trends", gettext_lazy("Xu hướng qua các năm")),
)


@functools.cache
def _path(name: str) -> str:
    # The URL patterns do not change while the process runs; a page makes
    # some two thousand links, and reverse() is the slow part of each.
    return reverse(f"dashboards:{name}")


_PLAIN = re.compile(r"[A-Za-z0-9_.-]*")


def _query(params: dict) -> str:
    """``urlencode`` with a fast path for the ids, years and codes that make
    up almost every link (``quote_plus`` dominated the page's time)."""
    return "&".join(
        f"{key}={value}" if isinstance(value, int) or _PLAIN.fullmatch(value) else urlencode({key: value})
        for key, value in params.items()
    )


def link(name: str, scope: Scope, **params) -> str:
    return f"{_path(name)}?{_query(scope.params(**params))}"


# --- shared pieces ----------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    display: str
    href: str | None
    detail: str = ""


@dataclass
class Table:
    """A table as the page shows it and the Excel export writes it: cells
    are numbers (percentages as fractions, written with a % format) or
    text."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    percent_columns: frozenset[int] = frozenset()


@dataclass
class TaskSummary:
    total: int = 0
    open: int = 0
    overdue: int = 0
    not_due: int = 0
    reported: int = 0
    accepted: int = 0
    due: int = 0
    on_time: int = 0
    mean_days: float | None = None
    # Tasks assigned by documents' points (issue 13), counted beside.
    assigned: int = 0
    assigned_open: int = 0
    assigned_overdue: int = 0
    assigned_accepted: int = 0

    @classmethod
    def from_row(cls, row: dict | None) -> TaskSummary:
        if not row:
            return cls()
        count = row.get("days_count") or 0
        total = row.get("days_total")
        if isinstance(total, datetime.timedelta):
            seconds = total.total_seconds()
        else:  # a backend that sums durations as microseconds
            seconds = (total or 0) / 1_000_000
        return cls(
            total=row["total"],
            open=row["open"],
            overdue=row["overdue"],
            not_due=row.get("not_due") or 0,
            reported=row.get("reported") or 0,
            accepted=row["accepted"],
            due=row["due"],
            on_time=row["on_time"],
            mean_days=(seconds / 86400 / count) if count and total is not None else None,
            assigned=row.get("assigned") or 0,
            assigned_open=row.get("assigned_open") or 0,
            assigned_overdue=row.get("assigned_overdue") or 0,
            assigned_accepted=row.get("assigned_accepted") or 0,
        )

    @property
    def rate(self) -> Ratio:
        return Ratio(self.on_time, self.due)


def _unit_label(unit: Unit | None) -> str:
    return str(unit) if unit is not None else _("Toàn quốc")


def scope_title(scope: Scope) -> str:
    mode = _("đơn vị hiện nay") if scope.current else _("đơn vị theo năm %(year)s") % {"year": scope.year}
    parts = [_unit_label(scope.root), _("năm %(year)s") % {"year": scope.year}, mode]
    if scope.area is not None:
        parts.append(str(scope.area))
    if scope.document is not None:
        parts.append(_("văn bản %(number)s") % {"number": scope.document.number_symbol})
    return " · ".join(parts)


# --- 1. the year at a glance --------------------------------------------------------


@dataclass
class SourceDocument:
    """A document that assigns tasks in the scope, with its tasks' figures,
    the link that filters the dashboard by it and the list behind them."""

    pk: int
    number: str
    summary: str
    issued_on: datetime.date | None
    total: int
    open: int
    overdue: int
    accepted: int
    filter_href: str
    list_href: str
    overdue_href: str
    selected: bool


@dataclass
class OverviewPage:
    scope: Scope
    inspection_figures: list[Figure]
    task_figures: list[Figure]
    tasks: TaskSummary
    chart: BarChart
    assigned_figures: list[Figure] = field(default_factory=list)
    documents: list[SourceDocument] = field(default_factory=list)

    def tables(self) -> list[Table]:
        figures = self.inspection_figures + self.task_figures + self.assigned_figures
        rows = [[figure.label, figure.display] for figure in figures]
        return [Table("glance", _("Tổng quan năm"), [_("Chỉ số"), _("Giá trị")], rows)]


def _document_number(row: dict) -> str:
    number, code, symbol = (
        row["source_document__number"],
        row["source_document__type_code"],
        row["source_document__symbol"],
    )
    if not number:
        return ""
    return f"{number:02d}/{code}-{symbol}" if code else f"{number:02d}/{symbol}"


def assigned_figures(scope: Scope, tasks: TaskSummary) -> list[Figure]:
    """The tasks assigned by documents, beside the remediation tasks; each
    figure links to its list (``kind=assigned``)."""
    return [
        Figure(
            "assigned",
            _("Nhiệm vụ được giao theo văn bản"),
            fmt_number(tasks.assigned),
            link("task_list", scope, status="all", kind="assigned"),
        ),
        Figure(
            "assigned_open",
            _("Nhiệm vụ được giao chưa hoàn thành"),
            fmt_number(tasks.assigned_open),
            link("task_list", scope, status="open", kind="assigned"),
        ),
        Figure(
            "assigned_overdue",
            _("Nhiệm vụ được giao quá hạn"),
            fmt_number(tasks.assigned_overdue),
            link("task_list", scope, status="overdue", kind="assigned"),
        ),
        Figure(
            "assigned_accepted",
            _("Nhiệm vụ được giao đã được chấp nhận"),
            fmt_number(tasks.assigned_accepted),
            link("task_list", scope, status="accepted", kind="assigned"),
        ),
    ]


def source_documents(scope: Scope, rows: list[dict]) -> list[SourceDocument]:
    documents = []
    for row in rows:
        pk = row["source_document_id"]
        documents.append(
            SourceDocument(
                pk=pk,
                number=_document_number(row),
                summary=row["source_document__summary"],
                issued_on=row["source_document__issued_on"],
                total=row["assigned"],
                open=row["assigned_open"],
                overdue=row["assigned_overdue"],
                accepted=row["assigned_accepted"],
                filter_href=link("overview", scope, document=pk),
                list_href=link("task_list", scope, document=pk, status="all", kind="assigned"),
                overdue_href=link("task_list", scope, document=pk, status="overdue", kind="assigned"),
                selected=scope.document is not None and scope.document.pk == pk,
            )
        )
    return documents


def overview_page(scope: Scope) -> OverviewPage:
    glance = selectors.year_glance(scope)
    found = glance["inspections"]
    tasks = TaskSummary.from_row(glance["tasks"])
    inspection_figures = [
        Figure(
            "planned",
            _("Đơn vị trong kế hoạch kiểm tra"),
            fmt_number(glance["planned"]),
            link("inspection_list", scope, status="planned"),
        ),
        Figure(
            "done",
            _("Cuộc kiểm tra đã tiến hành"),
            fmt_number(found["done"]),
            link("inspection_list", scope, status="done"),
        ),
        Figure(
            "issued",
            _("Đã ban hành thông báo kết luận"),
            fmt_number(found["issued"]),
            link("inspection_list", scope, status="issued"),
        ),
    ]
    task_figures = [
        Figure(
            "tasks", _("Nhiệm vụ khắc phục"), fmt_number(tasks.total), link("task_list", scope, status="all")
        ),
        Figure("open", _("Chưa hoàn thành"), fmt_number(tasks.open), link("task_list", scope, status="open")),
        Figure(
            "overdue", _("Quá hạn"), fmt_number(tasks.overdue), link("task_list", scope, status="overdue")
        ),
        Figure(
            "accepted",
            _("Đã được chấp nhận"),
            fmt_number(tasks.accepted),
            link("task_list", scope, status="accepted"),
        ),
        Figure(
            "on_time_rate",
            _("Tỷ lệ khắc phục đúng hạn"),
            fmt_percent(tasks.rate.percent),
            link("task_list", scope, status="due"),
            detail=_("%(on_time)s/%(due)s nhiệm vụ đã đến hạn")
            % {"on_time": fmt_number(tasks.on_time), "due": fmt_number(tasks.due)},
        ),
        Figure(
            "mean_days",
            _("Số ngày khắc phục bình quân"),
            fmt_number(tasks.mean_days, 1) if tasks.mean_days is not None else "–",
            link("task_list", scope, status="accepted"),
            detail=_("từ ngày ban hành kết luận đến khi được chấp nhận"),
        ),
    ]
    # The task bar splits the tasks the way the task rules do
    # (RemediationTaskQuerySet): accepted, reported and awaiting review,
    # not yet due, overdue; each segment links to exactly its tasks.
    chart = bar_chart(
        _("Tiến độ năm %(year)s") % {"year": scope.year},
        [
            Bar(
                _("Đơn vị trong kế hoạch"),
                fmt_number(glance["planned"]),
                [Segment(glance["planned"], "c-planned", _("Trong kế hoạch"), inspection_figures[0].href)],
            ),
            Bar(
                _("Đã kiểm tra"),
                fmt_number(found["done"]),
                [
                    Segment(
                        found["issued"], "c-issued", _("Đã ban hành kết luận"), inspection_figures[2].href
                    ),
                    Segment(
                        max(found["done"] - found["issued"], 0),
                        "c-done",
                        _("Chưa ban hành kết luận"),
                        inspection_figures[1].href,
                    ),
                ],
            ),
            Bar(
                _("Nhiệm vụ khắc phục"),
                fmt_number(tasks.total),
                [
                    Segment(tasks.accepted, "c-accepted", _("Đã chấp nhận"), task_figures[3].href),
                    Segment(
                        tasks.reported,
                        "c-reported",
                        _("Chờ xem xét"),
                        link("task_list", scope, status="reported"),
                    ),
                    Segment(
                        tasks.not_due, "c-open", _("Chưa đến hạn"), link("task_list", scope, status="not_due")
                    ),
                    Segment(tasks.overdue, "c-overdue", _("Quá hạn"), task_figures[2].href),
                ],
            ),
        ],
        legend=[
            ("c-planned", _("Trong kế hoạch")),
            ("c-issued", _("Đã ban hành kết luận")),
            ("c-done", _("Chưa ban hành kết luận")),
            ("c-accepted", _("Đã chấp nhận")),
            ("c-reported", _("Chờ xem xét")),
            ("c-open", _("Chưa đến hạn")),
            ("c-overdue", _("Quá hạn")),
        ],
    )
    return OverviewPage(
        scope,
        inspection_figures,
        task_figures,
        tasks,
        chart,
        assigned_figures=assigned_figures(scope, tasks),
        documents=source_documents(scope, glance["documents"]),
    )


# --- 2. findings by reform area ----------------------------------------------------------


@dataclass
class AreaRow:
    area: ReformArea
    achievements: int
    shortcomings: int
    recommendations: int
    recurring: int
    units: int
    hrefs: dict[str, str]


@dataclass
class ShortcomingRow:
    text: str
    area: ReformArea | None
    count: int
    units: int
    href: str


@dataclass
class RecurringRow:
    unit_name: str
    area: ReformArea | None
    count: int
    href: str


@dataclass
class FindingsPage:
    scope: Scope
    areas: list[AreaRow]
    shortcomings: list[ShortcomingRow]
    recurring: list[RecurringRow]
    recurring_total: int
    recurring_href: str
    chart: BarChart

    def tables(self) -> list[Table]:
        return [
            Table(
                "areas",
                _("Nội dung kết luận theo lĩnh vực"),
                [
                    _("Lĩnh vực"),
                    _("Kết quả đạt được"),
                    _("Tồn tại, hạn chế"),
                    _("Kiến nghị"),
                    _("Tồn tại lặp lại"),
                    _("Số đơn vị có tồn tại"),
                ],
                [
                    [
                        row.area.name,
                        row.achievements,
                        row.shortcomings,
                        row.recommendations,
                        row.recurring,
                        row.units,
                    ]
                    for row in self.areas
                ],
            ),
            Table(
                "shortcomings",
                _("Tồn tại, hạn chế thường gặp"),
                [_("Nội dung"), _("Lĩnh vực"), _("Số lần"), _("Số đơn vị")],
                [[row.text, str(row.area or ""), row.count, row.units] for row in self.shortcomings],
            ),
            Table(
                "recurring",
                _("Đơn vị có tồn tại lặp lại ở lần kiểm tra liền trước"),
                [_("Đơn vị"), _("Lĩnh vực"), _("Số tồn tại lặp lại")],
                [[row.unit_name, str(row.area or ""), row.count] for row in self.recurring],
            ),
        ]


def findings_page(scope: Scope) -> FindingsPage:
    areas = {area.pk: area for area in selectors.reform_areas()}
    rows = []
    for row in selectors.findings_by_area(scope):
        area = areas.get(row["reform_area_id"])
        if area is None:
            continue
        with_area = {"area": area.pk}
        rows.append(
            AreaRow(
                area=area,
                achievements=row["achievements"],
                shortcomings=row["shortcomings"],
                recommendations=row["recommendations"],
                recurring=row["recurring"],
                units=row["units"],
                hrefs={
                    "achievements": link("finding_list", scope, kind="achievement", **with_area),
                    "shortcomings": link("finding_list", scope, kind="shortcoming", **with_area),
                    "recommendations": link("finding_list", scope, kind="recommendation", **with_area),
                    "recurring": link("finding_list", scope, recurring=1, **with_area),
                },
            )
        )
    rows.sort(key=lambda row: (-row.shortcomings, row.area.valid_from_year, row.area.position))
    shortcomings = [
        ShortcomingRow(
            text=row["text"],
            area=areas.get(row["reform_area_id"]),
            count=row["count"],
            units=row["units"],
            href=link(
                "finding_list", scope, kind="shortcoming", area=row["reform_area_id"], text=row["text"]
            ),
        )
        for row in selectors.top_shortcomings(scope)
    ]
    recurring_rows, recurring_total = selectors.recurring_units(scope)
    recurring = [
        RecurringRow(
            unit_name=row["inspection__unit__short_name"] or row["inspection__unit__name"],
            area=areas.get(row["reform_area_id"]),
            count=row["count"],
            href=link(
                "finding_list",
                scope,
                unit=row["inspection__unit_id"],
                mode="history",
                own=1,
                area=row["reform_area_id"],
                recurring=1,
            ),
        )
        for row in recurring_rows
    ]
    chart = bar_chart(
        _("Tồn tại, hạn chế theo lĩnh vực"),
        [
            Bar(
                row.area.name,
                fmt_number(row.shortcomings),
                [
                    Segment(row.recurring, "c-recurring", _("Lặp lại"), row.hrefs["recurring"]),
                    Segment(
                        row.shortcomings - row.recurring,
                        "c-shortcoming",
                        _("Lần đầu"),
                        row.hrefs["shortcomings"],
                    ),
                ],
            )
            for row in rows
            if row.shortcomings
        ],
        legend=[("c-recurring", _("Lặp lại từ lần kiểm tra trước")), ("c-shortcoming", _("Tồn tại khác"))],
    )
    return FindingsPage(
        scope=scope,
        areas=rows,
        shortcomings=shortcomings,
        recurring=recurring,
        recurring_total=recurring_total,
        recurring_href=link("finding_list", scope, recurring=1),
        chart=chart,
    )


# --- 3. units compared and ranked ----------------------------------------------------


SORTS = {
    "on_time": gettext_lazy("Tỷ lệ khắc phục đúng hạn"),
    "overdue": gettext_lazy("Nhiệm vụ quá hạn"),
    "recurring": gettext_lazy("Tồn tại lặp lại"),
    **{metric.key: metric.label for metric in METRICS},
    "name": gettext_lazy("Tên đơn vị"),
}


@dataclass
class MetricCell:
    metric: Metric
    ratio: Ratio
    href: str

    @property
    def display(self) -> str:
        return fmt_percent(self.ratio.percent)


@dataclass
class UnitRow:
    unit: Unit
    label: str
    is_root: bool
    drill_href: str | None
    inspections_done: int
    tasks: TaskSummary
    shortcomings: int
    recurring: int
    metrics: list[MetricCell]
    hrefs: dict[str, str]
    ended: bool = False
    rank: int = 0

    @property
    def on_time_display(self) -> str:
        return fmt_percent(self.tasks.rate.percent)

    @property
    def mean_days_display(self) -> str:
        return fmt_number(self.tasks.mean_days, 1) if self.tasks.mean_days is not None else "–"


@dataclass
class UnitsPage:
    scope: Scope
    rows: list[UnitRow]
    sort: str
    sorts: list[tuple[str, str, str]]
    chart: BarChart
    metrics: tuple[Metric, ...] = METRICS

    def tables(self) -> list[Table]:
        columns = [
            _("Hạng"),
            _("Đơn vị"),
            _("Cuộc kiểm tra"),
            _("Nhiệm vụ"),
            _("Quá hạn"),
            _("Đúng hạn"),
            _("Đã đến hạn"),
            _("Tỷ lệ khắc phục đúng hạn"),
            _("Số ngày khắc phục bình quân"),
            _("Tồn tại, hạn chế"),
            _("Lặp lại"),
        ]
        percent = {7}
        for metric in self.metrics:
            percent.add(len(columns))
            columns.append(str(metric.label))
        rows = []
        for row in self.rows:
            rate = row.tasks.rate.percent
            rows.append(
                [
                    row.rank or "",
                    row.label,
                    row.inspections_done,
                    row.tasks.total,
                    row.tasks.overdue,
                    row.tasks.on_time,
                    row.tasks.due,
                    None if rate is None else rate / 100,
                    None if row.tasks.mean_days is None else round(row.tasks.mean_days, 1),
                    row.shortcomings,
                    row.recurring,
                    *[
                        None if cell.ratio.percent is None else cell.ratio.percent / 100
                        for cell in row.metrics
                    ],
                ]
            )
        return [Table("units", _("So sánh, xếp hạng đơn vị"), columns, rows, frozenset(percent))]


def _sort_key(sort: str):
    def rate_or_none(value):
        # Rows without a figure go last whatever the direction.
        return (value is None, -(value or 0))

    def key(row: UnitRow):
        if sort == "overdue":
            return (-row.tasks.overdue, row.label)
        if sort == "recurring":
            return (-row.recurring, row.label)
        if sort == "name":
            return (row.unit.path,)
        if sort in selectors.METRICS_BY_KEY:
            cell = next(cell for cell in row.metrics if cell.metric.key == sort)
            return (*rate_or_none(cell.ratio.percent), row.label)
        return (*rate_or_none(row.tasks.rate.percent), row.tasks.overdue, row.label)

    return key


def units_page(scope: Scope, *, sort: str = "on_time", base: str = "units") -> UnitsPage:
    figures = selectors.by_bucket(scope)
    keys = set()
    for rows in figures.values():
        keys |= set(rows)
    extra = {bucket_key(key) for key in keys} - {None}
    units = selectors.row_units(scope, extra)
    rows: list[UnitRow] = []
    if "" in keys and scope.root is not None:
        units = [scope.root, *units]
    for unit in units:
        is_root = scope.root is not None and unit.pk == scope.root.pk
        key = "" if is_root else str(unit.pk)
        if is_root:
            row_scope, extra_params = scope, {"own": 1}
        else:
            row_scope, extra_params = scope.with_root(unit), {}
        if unit.has_ended and scope.current:
            # An ended unit shows here only when its successor lies outside
            # the root: its lists are its own records, as they were.
            extra_params["mode"] = "history"
        tasks = TaskSummary.from_row(figures["tasks"].get(key))
        found = figures["findings"].get(key) or {}
        ratios = selectors.metric_ratios(figures["indicators"].get(key) or {})
        ended_by = scope.today if scope.current else datetime.date(scope.year, 12, 31)
        rows.append(
            UnitRow(
                unit=unit,
                ended=unit.valid_to is not None and unit.valid_to < ended_by,
                label=_("%(unit)s (chính đơn vị)") % {"unit": unit} if is_root else str(unit),
                is_root=is_root,
                drill_href=None if is_root else link(base, row_scope, **extra_params),
                inspections_done=(figures["inspections"].get(key) or {}).get("done", 0),
                tasks=tasks,
                shortcomings=found.get("shortcomings", 0),
                recurring=found.get("recurring", 0),
                metrics=[
                    MetricCell(
                        metric,
                        ratios[metric.key],
                        link("indicator_list", row_scope, metric=metric.key, **extra_params),
                    )
                    for metric in METRICS
                ],
                hrefs={
                    "inspections": link("inspection_list", row_scope, status="done", **extra_params),
                    "tasks": link("task_list", row_scope, status="all", **extra_params),
                    "overdue": link("task_list", row_scope, status="overdue", **extra_params),
                    "on_time": link("task_list", row_scope, status="due", **extra_params),
                    "shortcomings": link("finding_list", row_scope, kind="shortcoming", **extra_params),
                    "recurring": link("finding_list", row_scope, recurring=1, **extra_params),
                },
            )
        )
    sort = sort if sort in SORTS else "on_time"
    rows.sort(key=_sort_key(sort))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    behind = sorted(
        (row for row in rows if row.tasks.due), key=lambda row: (row.tasks.rate.percent, -row.tasks.overdue)
    )[:20]
    chart = bar_chart(
        _("Tỷ lệ khắc phục đúng hạn: các đơn vị thấp nhất"),
        [
            Bar(
                row.label,
                row.on_time_display,
                [Segment(row.tasks.rate.percent or 0, "c-rate", row.label, row.hrefs["on_time"])],
            )
            for row in behind
        ],
        max_value=100,
    )
    sorts = [(key, str(label), link(base, scope, sort=key)) for key, label in SORTS.items()]
    return UnitsPage(scope=scope, rows=rows, sort=sort, sorts=sorts, chart=chart)


# --- 4. trends over the years ---------------------------------------------------------


@dataclass
class YearRow:
    year: int
    inspections_done: int
    tasks: TaskSummary
    shortcomings: int
    units_with_shortcomings: int
    metrics: list[MetricCell]
    hrefs: dict[str, str] = field(default_factory=dict)


@dataclass
class TrendsPage:
    scope: Scope
    years: list[YearRow]
    rates_chart: LineChart
    findings_chart: BarChart
    metrics: tuple[Metric, ...] = METRICS

    def tables(self) -> list[Table]:
        columns = [
            _("Năm"),
            _("Cuộc kiểm tra"),
            _("Nhiệm vụ"),
            _("Quá hạn"),
            _("Tỷ lệ khắc phục đúng hạn"),
            _("Tồn tại, hạn chế"),
            _("Số đơn vị có tồn tại"),
        ]
        percent = {4}
        for metric in self.metrics:
            percent.add(len(columns))
            columns.append(str(metric.label))
        rows = [
            [
                row.year,
                row.inspections_done,
                row.tasks.total,
                row.tasks.overdue,
                None if row.tasks.rate.percent is None else row.tasks.rate.percent / 100,
                row.shortcomings,
                row.units_with_shortcomings,
                *[None if cell.ratio.percent is None else cell.ratio.percent / 100 for cell in row.metrics],
            ]
            for row in self.years
        ]
        return [Table("trends", _("Xu hướng qua các năm"), columns, rows, frozenset(percent))]


def trends_page(scope: Scope) -> TrendsPage:
    figures = selectors.by_year(scope)
    rows = []
    for year in selectors.trend_years(scope):
        year_scope = replace(scope, year=year)
        found = figures["findings"].get(year) or {}
        ratios = selectors.metric_ratios(figures["indicators"].get(year) or {})
        rows.append(
            YearRow(
                year=year,
                inspections_done=(figures["inspections"].get(year) or {}).get("done", 0),
                tasks=TaskSummary.from_row(figures["tasks"].get(year)),
                shortcomings=found.get("shortcomings", 0),
                units_with_shortcomings=found.get("units", 0),
                metrics=[
                    MetricCell(
                        metric, ratios[metric.key], link("indicator_list", year_scope, metric=metric.key)
                    )
                    for metric in METRICS
                ],
                hrefs={
                    "inspections": link("inspection_list", year_scope, status="done"),
                    "tasks": link("task_list", year_scope, status="all"),
                    "overdue": link("task_list", year_scope, status="overdue"),
                    "on_time": link("task_list", year_scope, status="due"),
                    "shortcomings": link("finding_list", year_scope, kind="shortcoming"),
                },
            )
        )
    years = [row.year for row in rows]
    series = [
        (
            _("Khắc phục đúng hạn"),
            "s-remediation",
            [
                (row.tasks.rate.percent, fmt_percent(row.tasks.rate.percent), row.hrefs["on_time"])
                for row in rows
            ],
        )
    ]
    for index, metric in enumerate(METRICS):
        series.append(
            (
                str(metric.label),
                f"s-metric-{index + 1}",
                [
                    (row.metrics[index].ratio.percent, row.metrics[index].display, row.metrics[index].href)
                    for row in rows
                ],
            )
        )
    rates_chart = line_chart(_("Các tỷ lệ qua các năm"), years, series)
    findings_chart = bar_chart(
        _("Tồn tại, hạn chế qua các năm"),
        [
            Bar(
                str(row.year),
                fmt_number(row.shortcomings),
                [
                    Segment(
                        row.shortcomings, "c-shortcoming", _("Tồn tại, hạn chế"), row.hrefs["shortcomings"]
                    )
                ],
            )
            for row in rows
        ],
    )
    return TrendsPage(scope=scope, years=rows, rates_chart=rates_chart, findings_chart=findings_chart)


BUILDERS = {
    "overview": overview_page,
    "findings": findings_page,
    "units": units_page,
    "trends": trends_page,
}

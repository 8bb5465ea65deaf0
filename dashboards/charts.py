"""Charts as server-rendered SVG: geometry computed here, drawn by the
templates in ``dashboards/includes/``. No script and no inline style (the
CSP forbids both): colours and fonts are SVG presentation attributes
(``fill``, ``font-family``), which WeasyPrint honours where it ignores the
page's CSS classes inside SVG, and which the web page's CSS may still
override. The same SVG shows in the browser, prints, and goes into the PDF
handout, and it needs no network.

Every bar and point is a link to the list behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format


def fmt_number(value, decimals: int = 0) -> str:
    """A number as the page's language writes it ("92,5" in Vietnamese)."""
    if value is None:
        return "–"
    # Django's number_format truncates; a share of 92.857 % reads 92,9 %.
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def fmt_percent(value: float | None) -> str:
    return "–" if value is None else f"{fmt_number(value, 1)}%"


#: Colour of each chart class (the legend uses the same).
PALETTE = {
    "c-planned": "#9ec5fe",
    "c-done": "#ffc107",
    "c-issued": "#1d6f42",
    "c-accepted": "#20c997",
    "c-reported": "#6ea8fe",
    "c-open": "#adb5bd",
    "c-overdue": "#b02a37",
    "c-shortcoming": "#e0a800",
    "c-recurring": "#b02a37",
    "c-rate": "#0d4f8b",
    "s-remediation": "#0d4f8b",
    "s-metric-1": "#1d6f42",
    "s-metric-2": "#b8860b",
    "s-metric-3": "#8a1c1c",
}
#: The document face first (the PDF has it), then what a browser has.
FONT = "Tinos, 'Noto Serif', 'Liberation Serif', 'Times New Roman', serif"


def colour(css: str) -> str:
    return PALETTE.get(css, "#6c757d")


@dataclass
class Segment:
    value: float
    css: str
    label: str
    href: str | None = None
    x: float = 0
    width: float = 0

    @property
    def colour(self) -> str:
        return colour(self.css)


@dataclass
class Bar:
    label: str
    display: str
    segments: list[Segment]
    href: str | None = None
    y: float = 0
    text_y: float = 0
    value_x: float = 0


@dataclass
class BarChart:
    """Horizontal bars, one row each, optionally split into segments."""

    title: str
    bars: list[Bar]
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    font: str = FONT
    width: int = 720
    label_width: int = 250
    row_height: int = 22
    bar_height: int = 15
    value_width: int = 90
    top: int = 4

    @property
    def height(self) -> int:
        return self.top + self.row_height * max(len(self.bars), 1) + 4

    @property
    def plot_width(self) -> int:
        return self.width - self.label_width - self.value_width

    @property
    def label_x(self) -> int:
        return self.label_width - 8


def bar_chart(
    title: str,
    bars: list[Bar],
    *,
    max_value: float | None = None,
    legend: list[tuple[str, str]] | None = None,
) -> BarChart:
    chart = BarChart(
        title=title, bars=bars, legend=[(css, label, colour(css)) for css, label in legend or []]
    )
    largest = max_value or max((sum(s.value for s in bar.segments) for bar in bars), default=0) or 1
    scale = chart.plot_width / largest
    for index, bar in enumerate(bars):
        bar.y = chart.top + index * chart.row_height + (chart.row_height - chart.bar_height) / 2
        bar.text_y = bar.y + chart.bar_height - 3
        x = chart.label_width
        for segment in bar.segments:
            segment.x = round(x, 1)
            segment.width = round(max(segment.value, 0) * scale, 1)
            x += segment.width
        bar.value_x = round(x + 6, 1)
        bar.y = round(bar.y, 1)
        bar.text_y = round(bar.text_y, 1)
    return chart


@dataclass
class Point:
    x: float
    y: float
    display: str
    label: str
    href: str | None


@dataclass
class Series:
    name: str
    css: str
    points: list[Point] = field(default_factory=list)
    path: str = ""

    @property
    def colour(self) -> str:
        return colour(self.css)

    @property
    def dashed(self) -> bool:
        return self.css == "s-metric-3"


@dataclass
class LineChart:
    """Values (0..``y_max``) by year, one line per series; a missing value
    breaks the line."""

    title: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    font: str = FONT
    width: int = 720
    height: int = 260
    left: int = 48
    right: int = 16
    top: int = 12
    bottom: int = 28

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def x_label_y(self) -> int:
        return self.height - 8


def line_chart(
    title: str,
    years: list[int],
    series: list[tuple[str, str, list[tuple[float | None, str, str | None]]]],
    *,
    y_max: float = 100,
    suffix: str = "%",
) -> LineChart:
    """``series``: (name, css class, [(value, display, href) per year])."""
    chart = LineChart(title=title, series=[], x_ticks=[], y_ticks=[])
    plot_width = chart.plot_right - chart.left
    plot_height = chart.plot_bottom - chart.top
    step = plot_width / max(len(years) - 1, 1)

    def x_of(index: int) -> float:
        return round(chart.left + index * step, 1)

    def y_of(value: float) -> float:
        return round(chart.plot_bottom - min(max(value, 0), y_max) / y_max * plot_height, 1)

    chart.x_ticks = [(x_of(index), str(year)) for index, year in enumerate(years)]
    chart.y_ticks = [
        (y_of(y_max * fraction), f"{fmt_number(y_max * fraction)}{suffix}")
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    for name, css, values in series:
        line = Series(name=name, css=css)
        commands = []
        pen_down = False
        for index, (value, display, href) in enumerate(values):
            if value is None:
                pen_down = False
                continue
            point = Point(x=x_of(index), y=y_of(value), display=display, label=str(years[index]), href=href)
            line.points.append(point)
            commands.append(f"{'L' if pen_down else 'M'}{point.x} {point.y}")
            pen_down = True
        line.path = " ".join(commands)
        chart.series.append(line)
    return chart

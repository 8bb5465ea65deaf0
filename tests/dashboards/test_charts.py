"""Chart geometry (dashboards.charts): bars in proportion, lines broken
where a year has no figure, numbers written the Vietnamese way."""

from django.utils import translation

from dashboards.charts import Bar, Segment, bar_chart, fmt_number, fmt_percent, line_chart


def test_bars_are_in_proportion_and_stack_their_segments():
    chart = bar_chart(
        "Nhiệm vụ",
        [
            Bar("A", "10", [Segment(6, "c-accepted", "x", "/a"), Segment(4, "c-overdue", "y", "/b")]),
            Bar("B", "5", [Segment(5, "c-accepted", "x", "/c")]),
        ],
    )
    first, second = chart.bars
    assert first.segments[0].width + first.segments[1].width == chart.plot_width
    assert second.segments[0].width == chart.plot_width / 2
    assert first.segments[1].x == first.segments[0].x + first.segments[0].width
    assert second.y > first.y
    assert chart.height == chart.top + 2 * chart.row_height + 4


def test_a_fixed_scale_for_shares():
    chart = bar_chart("Tỷ lệ", [Bar("A", "50%", [Segment(50, "c-rate", "A")])], max_value=100)
    assert chart.bars[0].segments[0].width == chart.plot_width / 2


def test_a_line_breaks_where_a_year_has_no_figure():
    chart = line_chart(
        "Tỷ lệ",
        [2022, 2023, 2024, 2025],
        [("A", "s-a", [(50, "50%", "/1"), (None, "–", None), (75, "75%", "/3"), (100, "100%", "/4")])],
    )
    series = chart.series[0]
    assert [point.label for point in series.points] == ["2022", "2024", "2025"]
    assert series.path.count("M") == 2 and series.path.count("L") == 1
    top = chart.y_ticks[-1][0]
    assert series.points[-1].y == top


def test_numbers_are_written_the_vietnamese_way():
    with translation.override("vi"):
        assert fmt_number(12345) == "12.345"
        assert fmt_percent(92.857) == "92,9%"
        assert fmt_percent(None) == "–"

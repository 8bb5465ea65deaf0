"""The figures of each dashboard view, against the data set of conftest.py,
and the lists behind them: following a figure's link lists exactly the
records it counts."""

import pytest
from django.urls import reverse

from dashboards import pages
from dashboards.selectors import resolve_scope

pytestmark = pytest.mark.django_db


def scope_for(user, **filters):
    filters = {"unit_id": None, "year": 2024, "mode": None, "area_id": None} | filters
    return resolve_scope(user, **filters)


def listed_count(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["paginator"].count


# --- 1. the year at a glance ----------------------------------------------------------


def test_the_year_at_a_glance(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:overview"), {"year": 2024})
    page = response.context["page"]
    figures = {figure.key: figure.display for figure in page.inspection_figures + page.task_figures}
    assert figures == {
        "planned": "5",
        "done": "4",
        "issued": "3",
        "tasks": "5",
        "open": "3",
        "overdue": "2",
        "accepted": "2",
        "on_time_rate": "25,0%",
        "mean_days": "82,0",
    }
    content = response.content.decode()
    assert "Tỷ lệ khắc phục đúng hạn" in content
    assert "1/4 nhiệm vụ đã đến hạn" in content
    # The chart is SVG in the page, with no script and no inline style.
    assert '<svg class="chart bar-chart"' in content
    assert "style=" not in content.split('<main class="container-fluid py-3" id="main">')[1]


def test_every_figure_of_the_year_links_to_the_list_behind_it(client, dash, province_leader):
    client.force_login(province_leader)
    page = client.get(reverse("dashboards:overview"), {"year": 2024}).context["page"]
    expected = {
        "planned": 5,
        "done": 4,
        "issued": 3,
        "tasks": 5,
        "open": 3,
        "overdue": 2,
        "accepted": 2,
        "on_time_rate": 4,  # the tasks due, behind the rate
    }
    for figure in page.inspection_figures + page.task_figures:
        if figure.key in expected:
            assert listed_count(client, figure.href) == expected[figure.key], figure.key


def test_the_overdue_list_names_the_tasks(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:task_list"), {"year": 2024, "status": "overdue"})
    content = response.content.decode()
    assert "Nhiệm vụ khắc phục quá hạn" in content
    assert "Rà soát quy chế làm việc." in content
    assert "Tăng tỷ lệ hồ sơ trực tuyến." in content
    assert "Niêm yết đầy đủ TTHC." not in content
    assert [task.pk for task in response.context["page_obj"]] == sorted(
        [dash.tasks.t3.pk, dash.tasks.t5.pk], key=lambda pk: pk != dash.tasks.t3.pk
    )


def test_on_time_means_accepted_on_a_report_sent_by_the_deadline(client, dash, province_leader):
    client.force_login(province_leader)
    on_time = client.get(reverse("dashboards:task_list"), {"year": 2024, "status": "on_time"})
    late = client.get(reverse("dashboards:task_list"), {"year": 2024, "status": "late"})
    assert [task.pk for task in on_time.context["page_obj"]] == [dash.tasks.t1.pk]
    assert {task.pk for task in late.context["page_obj"]} == {
        dash.tasks.t2.pk,
        dash.tasks.t3.pk,
        dash.tasks.t5.pk,
    }


def test_the_reform_area_filter_narrows_findings_and_tasks(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:overview"), {"year": 2024, "area": dash.areas.cong_vu.pk})
    page = response.context["page"]
    assert page.tasks.total == 1  # T2, filed under công vụ
    assert page.tasks.on_time == 0
    # Inspections are not filed under an area: they stay as they are.
    assert page.inspection_figures[1].display == "4"
    assert "Cải cách chế độ công vụ" in response.context["scope_title"]


# --- 2. findings by reform area ---------------------------------------------------------


def test_findings_by_area_frequent_and_recurring(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:findings"), {"year": 2024})
    page = response.context["page"]
    by_area = {row.area.code: (row.shortcomings, row.recurring, row.units) for row in page.areas}
    assert by_area == {"tthc": (3, 2, 3), "cong-vu": (1, 0, 1)}
    assert [(row.text, row.count, row.units) for row in page.shortcomings][0] == (
        "Chưa niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
        2,
        2,
    )
    # Recurring: Duy Xuyên and Đại Cường had a TTHC shortcoming in 2023
    # too; Duy Sơn had no inspection issued before (a draft does not count).
    assert sorted(row.unit_name for row in page.recurring) == ["UBND huyện Duy Xuyên", "UBND xã Đại Cường"]
    assert page.recurring_total == 2
    assert listed_count(client, page.recurring_href) == 2
    for row in page.recurring:
        assert listed_count(client, row.href) == row.count
    for row in page.areas:
        assert listed_count(client, row.hrefs["shortcomings"]) == row.shortcomings
        assert listed_count(client, row.hrefs["recurring"]) == row.recurring
    top = page.shortcomings[0]
    assert listed_count(client, top.href) == 2
    content = response.content.decode()
    assert "Đơn vị có tồn tại lặp lại" in content
    assert "Cải cách thủ tục hành chính" in content


def test_a_draft_conclusion_does_not_count(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:finding_list"), {"year": 2024, "kind": "shortcoming"})
    texts = [finding.text for finding in response.context["page_obj"]]
    assert "Điểm của dự thảo, chưa ban hành." not in texts
    assert len(texts) == 4


# --- 3. units compared and ranked, and units that changed ---------------------------------


def _rows(client, **params):
    response = client.get(reverse("dashboards:units"), {"year": 2024, **params})
    assert response.status_code == 200
    return {row.label: row for row in response.context["page"].rows}


def test_todays_units_take_the_figures_of_the_units_they_succeeded(client, dash, province_leader):
    client.force_login(province_leader)
    rows = _rows(client)
    assert list(rows) == ["UBND huyện Duy Xuyên", "UBND xã Vu Gia", "Sở Nội vụ", "UBND huyện Đại Lộc"]
    vu_gia = rows["UBND xã Vu Gia"]
    # Đại Cường (ended 30/6/2025) counts under xã Vu Gia, which took it over.
    assert (vu_gia.inspections_done, vu_gia.tasks.total, vu_gia.tasks.overdue, vu_gia.shortcomings) == (
        1,
        1,
        1,
        1,
    )
    assert vu_gia.recurring == 1
    assert vu_gia.metrics[0].ratio.numerator == 45
    assert rows["UBND huyện Đại Lộc"].tasks.total == 0
    duy_xuyen = rows["UBND huyện Duy Xuyên"]
    assert (duy_xuyen.inspections_done, duy_xuyen.tasks.total, duy_xuyen.tasks.on_time) == (3, 4, 1)
    # Duy Xuyên's own table (5.2, 190/200) and Duy Sơn's (5.3, 90/100).
    assert (duy_xuyen.metrics[0].ratio.numerator, duy_xuyen.metrics[0].ratio.denominator) == (280, 300)
    assert duy_xuyen.metrics[0].display == "93,3%"
    assert duy_xuyen.metrics[1].display == "30,0%"  # 30 procedures online of 100


def test_past_years_keep_the_units_under_their_own_names(client, dash, province_leader):
    client.force_login(province_leader)
    rows = _rows(client, mode="history")
    # In 2024 xã Vu Gia did not exist; Đại Cường's figures stay in Đại Lộc.
    assert "UBND xã Vu Gia" not in rows
    dai_loc = rows["UBND huyện Đại Lộc"]
    assert (dai_loc.inspections_done, dai_loc.tasks.total, dai_loc.shortcomings) == (1, 1, 1)
    assert listed_count(client, dai_loc.hrefs["overdue"]) == 1
    # Drilling into Đại Lộc shows Đại Cường under its own name.
    drilled = client.get(dai_loc.drill_href).context["page"].rows
    assert [row.label for row in drilled][:1] == ["UBND xã Đại Cường"]
    assert not drilled[0].ended  # in 2024 it still existed


def test_drilling_down_shows_the_units_below(client, dash, province_leader):
    client.force_login(province_leader)
    duy_xuyen = _rows(client)["UBND huyện Duy Xuyên"]
    response = client.get(duy_xuyen.drill_href)
    assert response.context["scope"].root == dash.units.district_a
    labels = [row.label for row in response.context["page"].rows]
    assert labels == ["UBND huyện Duy Xuyên (chính đơn vị)", "UBND xã Duy Sơn"]
    crumbs = response.context["crumbs"]
    assert [label for label, _href in crumbs] == ["UBND tỉnh Quảng Nam", "UBND huyện Duy Xuyên"]
    assert crumbs[0][1] is not None  # the province is in the leader's scope: a link back up


def test_every_figure_of_a_unit_row_links_to_its_list(client, dash, province_leader):
    client.force_login(province_leader)
    for mode in ("current", "history"):
        for row in _rows(client, mode=mode).values():
            assert listed_count(client, row.hrefs["inspections"]) == row.inspections_done, (mode, row.label)
            assert listed_count(client, row.hrefs["tasks"]) == row.tasks.total, (mode, row.label)
            assert listed_count(client, row.hrefs["overdue"]) == row.tasks.overdue, (mode, row.label)
            assert listed_count(client, row.hrefs["on_time"]) == row.tasks.due, (mode, row.label)
            assert listed_count(client, row.hrefs["shortcomings"]) == row.shortcomings, (mode, row.label)
            assert listed_count(client, row.hrefs["recurring"]) == row.recurring, (mode, row.label)
            for cell in row.metrics:
                response = client.get(cell.href)
                listed = list(response.context["page_obj"])
                assert sum(item["num"] or 0 for item in listed) == cell.ratio.numerator, (mode, row.label)
                assert sum(item["den"] or 0 for item in listed) == cell.ratio.denominator, (mode, row.label)


def test_the_ranking_can_be_sorted(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:units"), {"year": 2024, "sort": "overdue"})
    rows = response.context["page"].rows
    assert [row.tasks.overdue for row in rows] == sorted((row.tasks.overdue for row in rows), reverse=True)
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))


def test_the_province_table_and_drafts_are_not_counted(dash, province_leader):
    page = pages.overview_page(scope_for(province_leader))
    assert page  # the overview does not show indicators
    units = pages.units_page(scope_for(province_leader))
    total = [0, 0]
    for row in units.rows:
        total[0] += row.metrics[0].ratio.numerator
        total[1] += row.metrics[0].ratio.denominator
    # 90/100 + 45/50 + 190/200; not the province's 999/1000 nor the draft 1/100.
    assert total == [325, 350]


# --- 4. trends ---------------------------------------------------------------------------


def test_trends_over_years_roll_up_the_history(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:trends"), {"year": 2024})
    years = {row.year: row for row in response.context["page"].years}
    assert sorted(years) == list(range(2015, 2025))
    assert (years[2023].shortcomings, years[2023].units_with_shortcomings, years[2023].tasks.total) == (
        3,
        2,
        0,
    )
    assert (years[2024].shortcomings, years[2024].units_with_shortcomings, years[2024].tasks.total) == (
        4,
        3,
        5,
    )
    assert years[2023].metrics[0].display == "80,0%"
    assert years[2024].metrics[0].display == "92,9%"
    assert listed_count(client, years[2023].hrefs["shortcomings"]) == 3
    content = response.content.decode()
    assert '<svg class="chart line-chart"' in content
    # Xã Vu Gia, today's unit, carries the history of Đại Cường.
    response = client.get(reverse("dashboards:trends"), {"year": 2024, "unit": dash.units.successor.pk})
    years = {row.year: row for row in response.context["page"].years}
    assert (years[2023].shortcomings, years[2024].shortcomings, years[2024].tasks.overdue) == (1, 1, 1)

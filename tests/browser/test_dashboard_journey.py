"""Issue 7 in a real browser: the demo leader reads the dashboard.

The leader of UBND thành phố Đà Nẵng (the demo user ``leader``) opens the
dashboard from the navigation, which opens on this year (the demo is dated
from the day it is loaded), changes the year and back, looks at the units
compared, drills into xã Duy Xuyên, and opens the list behind its overdue
tasks, then one of them.
The charts are SVG drawn by the server: they are there without any script
and nothing breaks the CSP.
"""

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from inspections.models import RemediationTask
from tests.browser.conftest import (
    ARTIFACTS_DIR,
    click_and_load,
    console_errors,
    login,
    texts,
    wait,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)

pytestmark = pytest.mark.browser

UNIT = "UBND xã Duy Xuyên"
CITY = "UBND thành phố Đà Nẵng"


def test_the_leader_drills_into_a_unit_and_opens_the_list_behind_a_figure(browser, live_server, demo):
    today = timezone.localdate()
    year = today.year
    this_year = RemediationTask.objects.filter(
        inspection__plan__year=year, inspection__plan__issuer__code="48"
    )
    overdue = this_year.filter(responsible_unit__short_name=UNIT).overdue(today)
    expected_overdue = overdue.count()
    assert expected_overdue > 0, "the demo data should have overdue tasks at xã Duy Xuyên"

    login(browser, live_server, "leader")
    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/dashboards/']"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Bảng điều hành cải cách hành chính"
    # The leader's city is today's unit: no "ended" banner (issue 16).
    assert "đã kết thúc hoạt động" not in browser.find_element(By.TAG_NAME, "main").text

    # It opens on the latest year with inspections (this year in the demo,
    # dated from the day it was loaded); the filter bar's select submits
    # itself: last year, then back.
    chosen_year = Select(browser.find_element(By.ID, "id_year"))
    assert chosen_year.first_selected_option.get_attribute("value") == str(year)
    for chosen in (year - 1, year):
        old_page = browser.find_element(By.TAG_NAME, "html")
        Select(browser.find_element(By.ID, "id_year")).select_by_value(str(chosen))
        wait_url(browser, rf"year={chosen}")
        wait(browser, EC.staleness_of(old_page), message="Choosing the year did not reload the page")
        wait_page_ready(browser)
    figures = dict(
        zip(
            texts(browser, ".figure-card .figure-label"),
            texts(browser, ".figure-card .figure-value"),
            strict=True,
        )
    )
    assert figures["Cuộc kiểm tra đã tiến hành"] == "3"
    assert figures["Quá hạn"] == str(this_year.overdue(today).count())
    # The chart is there, drawn by the server.
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.bar-chart rect.bar")
    assert bars and all(float(bar.get_attribute("width")) > 0 for bar in bars)

    # Units compared, then drill into xã Duy Xuyên.
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "So sánh đơn vị"))
    wait_for(browser, "#table-units")
    row = browser.find_element(By.XPATH, f"//table[@id='table-units']//tr[.//a[normalize-space()='{UNIT}']]")
    assert row.find_element(By.CSS_SELECTOR, "a[data-figure=overdue]").text == str(expected_overdue)
    click_and_load(browser, row.find_element(By.CSS_SELECTOR, "a.drill"))
    wait_url(browser, r"/dashboards/units/\?.*unit=\d+")
    assert texts(browser, ".unit-crumbs .breadcrumb-item") == [CITY, UNIT]
    own = browser.find_element(
        By.XPATH, f"//table[@id='table-units']//tr[.//th[contains(., '{UNIT} (chính đơn vị)')]]"
    )

    # The list behind the overdue figure, each task overdue by days.
    click_and_load(browser, own.find_element(By.CSS_SELECTOR, "a[data-figure=overdue]"))
    wait_url(browser, r"/dashboards/list/tasks/\?.*status=overdue")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nhiệm vụ khắc phục quá hạn"
    assert browser.find_element(By.CSS_SELECTOR, ".list-count").text == f"{expected_overdue} mục"
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.task-row")
    assert len(rows) == expected_overdue
    ordered = list(overdue.order_by("deadline", "id"))
    for shown, task in zip(rows, ordered, strict=True):
        assert f"quá hạn {(today - task.deadline).days} ngày" in shown.text
    assert ordered[0].description[:40] in rows[0].text

    # And from the list to the inspection itself.
    click_and_load(browser, rows[0].find_element(By.TAG_NAME, "a"))
    wait_url(browser, r"/inspections/\d+/$")
    assert "Duy Xuyên" in browser.find_element(By.TAG_NAME, "h1").text

    assert console_errors(browser) == []
    browser.back()
    wait_page_ready(browser)
    save_final_screenshots(browser)


def save_final_screenshots(browser) -> None:
    """The dashboard for a person to look at: the drilled units page, whole."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    browser.back()
    wait_page_ready(browser)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS_DIR / "dashboard-journey-final.png"))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1366, min(int(height) + 150, 6000))
    browser.save_screenshot(str(ARTIFACTS_DIR / "dashboard-journey-final-full.png"))

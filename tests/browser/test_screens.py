"""Issue 16, screens and accessibility: each role's day on a laptop and on a phone.

The inspector, the unit officer and the leader of the demo province each go
through their main pages at 1366 × 768 (the common office laptop) and at
390 × 844 (a phone: inspectors work on site), reaching them through the top
menu as a person would (on the phone through the collapsed menu's button).
On every page, at the journey's size and at 768 px (a tablet): the page
does not scroll sideways (wide tables scroll in their own box), the top bar
holds on one line with the language menu whole; and axe-core (from npm,
injected by the test) finds no serious or critical WCAG 2.1 AA violation.
The findings editor and the indicator grid are used from the keyboard, with
the focus visible, and the dashboard's charts carry their figures as text.

A last test sweeps the top bar from 360 to 1920 px for the role with the
most menu items.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from cchc.access import can
from cchc.choices import DocumentKind, DocumentStatus
from cchc.models import OfficialDocument
from demo.province import DEMO_PASSWORD
from inspections import remediation
from inspections.choices import FindingKind, TaskStatus
from inspections.models import Inspection, InspectionPlan
from tests.browser.conftest import (
    assert_accessible,
    assert_fits,
    assert_menu_on_one_line,
    click_and_load,
    wait,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
TABLET_WIDTH = 768
SWEEP_WIDTHS = (360, 390, 768, 1200, 1280, 1366, 1920)


def check_page(browser, visited: list[str]) -> None:
    """What every page must hold, at the journey's size and on a tablet
    (768 px, checked in passing: the layout only, axe once)."""
    wait_page_ready(browser)
    assert_fits(browser)
    assert_menu_on_one_line(browser)
    size = browser.get_window_size()
    browser.set_window_size(TABLET_WIDTH, size["height"])
    assert_fits(browser)
    assert_menu_on_one_line(browser)
    browser.set_window_size(size["width"], size["height"])
    assert_accessible(browser)
    visited.append(browser.current_url)


def sign_in(browser, live_server, username: str, size: str, visited: list[str]) -> None:
    """Through the real login page, itself checked, at the journey's size."""
    browser.set_window_size(*SIZES[size])
    browser.get(f"{live_server.url}/login/")
    check_page(browser, visited)
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit].w-100"))
    assert "/login/" not in browser.current_url, f"Login of {username!r} failed"


def open_from_menu(browser, href_end: str) -> None:
    """Follow a top-menu link; on a narrow screen, open the menu first with
    its button (the collapsed menu)."""
    toggler = browser.find_element(By.CSS_SELECTOR, ".app-navbar .navbar-toggler")
    if toggler.is_displayed():
        assert toggler.get_attribute("aria-expanded") == "false"
        toggler.click()
        wait(browser, lambda _: toggler.get_attribute("aria-expanded") == "true", message="Not opened")
    click_and_load(browser, wait_clickable(browser, f"#main-nav a.nav-link[href$='{href_end}']"))


def focus_is_visible(browser) -> bool:
    """The focused element draws an outline or a focus ring (box-shadow)."""
    return browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';"
    )


def officer_and_inspection():
    """The demo officer, and an inspection in which the officer's unit has
    open tasks (whatever the demo's dates make of the others)."""
    officer = get_user_model().objects.get(username="officer")
    for inspection in Inspection.objects.filter(tasks__status=TaskStatus.OPEN).distinct().order_by("pk"):
        try:
            remediation.report_unit(inspection, officer)
        except ValidationError:  # none of this inspection's tasks are the officer's unit's
            continue
        return officer, inspection
    pytest.fail("The demo officer has no open task to report on")


def inspection_to_edit() -> Inspection:
    """An inspection the demo inspector may edit, with two shortcomings at
    least (the findings editor's keyboard test moves one)."""
    inspector = get_user_model().objects.get(username="inspector")
    candidates = (
        Inspection.objects.annotate(
            points=Count("findings", filter=Q(findings__kind=FindingKind.SHORTCOMING))
        )
        .filter(points__gte=2)
        .order_by("pk")
    )
    inspection = next((i for i in candidates if can(inspector, "finding.edit", i)), None)
    assert inspection is not None, "the demo inspector has no inspection with two shortcomings to edit"
    return inspection


def open_link_or_go(browser, live_server, path: str) -> None:
    """Follow the link to ``path`` on the page as a person would; a list
    longer than its first page may not show it, then go there directly."""
    links = browser.find_elements(By.CSS_SELECTOR, f"main a[href$='{path}']")
    if links:
        click_and_load(browser, links[0])
    else:
        browser.get(f"{live_server.url}{path}")
    wait_url(browser, rf"{path}$")


@pytest.fixture
def report_to_review(demo, fill_report):
    """The demo officer's remediation report, complete and sent, so that the
    inspector's review queue and review page have something to show."""
    officer, inspection = officer_and_inspection()
    report = remediation.report_open(inspection=inspection, user=officer)
    return remediation.report_submit(report=fill_report(report, officer), user=officer)


@pytest.mark.parametrize("size", SIZES)
def test_inspector_day(browser, live_server, report_to_review, size):
    visited: list[str] = []
    sign_in(browser, live_server, "inspector", size, visited)
    wait_url(browser, r"/inspections/$")
    check_page(browser, visited)

    open_from_menu(browser, "/inspections/plans/")
    check_page(browser, visited)
    plan = browser.find_element(By.CSS_SELECTOR, "main table a[href*='/inspections/plans/']")
    click_and_load(browser, plan)
    check_page(browser, visited)

    open_from_menu(browser, "/inspections/")
    open_link_or_go(browser, live_server, f"/inspections/{inspection_to_edit().pk}/")
    check_page(browser, visited)

    # The findings editor from the keyboard: Tab reaches a point's edit
    # button with the focus visible, Enter opens it with the focus on its
    # first field; "Hủy" with Enter closes it, and the focus is back on the
    # point's edit button (not lost at the top of the page).
    point = browser.find_element(By.CSS_SELECTOR, "#part-shortcoming li.finding[id^='finding-']")
    point_id = point.get_attribute("id")
    move_down = point.find_element(By.CSS_SELECTOR, ".js-move-down")
    browser.execute_script("arguments[0].focus()", move_down)
    browser.switch_to.active_element.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert "js-edit" in active.get_attribute("class"), "Tab from ↓ did not reach the point's edit button"
    assert focus_is_visible(browser), "the keyboard focus on the edit button is not visible"
    active.send_keys(Keys.ENTER)
    wait(
        browser,
        lambda d: d.execute_script(
            "return document.activeElement.closest('li.finding.editing')?.id === arguments[0]"
            " && ['TEXTAREA', 'SELECT', 'INPUT'].includes(document.activeElement.tagName)",
            point_id,
        ),
        message="Enter on the edit button did not put the focus in the point's form",
    )
    assert focus_is_visible(browser)
    assert_accessible(browser)  # the open editor too
    cancel = browser.find_element(By.CSS_SELECTOR, f"#{point_id} form a.btn-outline-secondary")
    browser.execute_script("arguments[0].focus()", cancel)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(
        browser,
        lambda d: d.execute_script(
            "return document.activeElement.classList.contains('js-edit')"
            " && document.activeElement.closest('li.finding')?.id === arguments[0]",
            point_id,
        ),
        message="After cancelling, the focus did not come back to the point's edit button",
    )
    # Enter on a point's ↑ moves it up, and the focus stays on its ↑ (the
    # part is redrawn around it).
    second = browser.find_element(By.CSS_SELECTOR, f"#{point_id} ~ li.finding")
    second_id = second.get_attribute("id")
    browser.execute_script("arguments[0].focus()", second.find_element(By.CSS_SELECTOR, ".js-move-up"))
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(
        browser,
        lambda d: d.execute_script(
            "const item = document.activeElement.closest('li.finding');"
            "return document.activeElement.classList.contains('js-move-up') && item?.id === arguments[0]"
            " && !item.previousElementSibling?.matches('li.finding')",
            second_id,
        ),
        message="After moving a point up, the focus was not on its ↑ at the top of its part",
    )

    # The conclusion notice of the inspection: its document page.
    draft = browser.find_elements(By.CSS_SELECTOR, ".js-draft-notice")
    click_and_load(
        browser, draft[0] if draft else browser.find_element(By.CSS_SELECTOR, "a[href^='/documents/']")
    )
    wait_url(browser, r"/documents/\d+/$")
    check_page(browser, visited)

    # The review queue, then the report sent by the unit.
    open_from_menu(browser, "/inspections/reviews/")
    check_page(browser, visited)
    click_and_load(
        browser, browser.find_element(By.CSS_SELECTOR, f"main a[href$='/reports/{report_to_review.pk}/']")
    )
    check_page(browser, visited)
    open_from_menu(browser, "/inspections/tasks/overdue/")
    check_page(browser, visited)
    open_from_menu(browser, "/notifications/")
    check_page(browser, visited)
    assert len(visited) == 10, visited


@pytest.fixture
def published_notice(demo):
    """A published conclusion notice of the demo province, for its public
    verification page (the QR code on the paper copy opens it on a phone)."""
    province = InspectionPlan.objects.order_by("pk").first().issuer
    return OfficialDocument.objects.create(
        kind=DocumentKind.CONCLUSION_NOTICE,
        status=DocumentStatus.PUBLISHED,
        issuing_unit=province,
        register_series=f"unit:{province.pk}",
        issuing_body="ĐOÀN KIỂM TRA",
        type_code="TB",
        symbol="ĐKT",
        number=146,
        year=2019,
        issued_on=datetime.date(2019, 11, 8),
        place="Quảng Nam",
        summary="Kết luận kiểm tra công tác cải cách hành chính tại UBND huyện Duy Xuyên",
        signer_position="TRƯỞNG ĐOÀN",
        signer_name="Lê Ngọc Quảng",
    )


@pytest.mark.parametrize("size", SIZES)
def test_unit_officer_day(browser, live_server, published_notice, size):
    visited: list[str] = []
    # Before signing in: the public verification page of a notice.
    browser.set_window_size(*SIZES[size])
    browser.get(f"{live_server.url}/verify/{published_notice.verification_code}/")
    check_page(browser, visited)
    assert "146/TB-ĐKT" in browser.find_element(By.TAG_NAME, "main").text

    sign_in(browser, live_server, "officer", size, visited)
    wait_url(browser, r"/inspections/my-unit/$")
    check_page(browser, visited)

    _, inspection = officer_and_inspection()
    open_link_or_go(browser, live_server, f"/inspections/{inspection.pk}/")
    check_page(browser, visited)

    # The remediation report form: its buttons within reach on the phone.
    click_and_load(browser, wait_clickable(browser, ".js-open-report"))
    wait_url(browser, r"/inspections/reports/\d+/")
    check_page(browser, visited)
    for button in browser.find_elements(By.CSS_SELECTOR, "main button[type=submit]"):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        box = button.rect
        assert 0 <= box["x"] and box["x"] + box["width"] <= browser.execute_script("return innerWidth"), (
            f"the button {button.text!r} is out of reach"
        )

    open_from_menu(browser, "/indicators/")
    check_page(browser, visited)
    open_from_menu(browser, "/notifications/")
    check_page(browser, visited)

    # The error pages: the dashboards are not for this role (403), and an
    # address that does not exist (404).
    browser.get(f"{live_server.url}/dashboards/")
    check_page(browser, visited)
    assert "Không có quyền truy cập" in browser.title
    browser.get(f"{live_server.url}/khong-co-trang-nay/")
    check_page(browser, visited)
    assert "Không tìm thấy trang" in browser.title
    assert len(visited) == 9, visited


@pytest.mark.parametrize("size", SIZES)
def test_leader_day(browser, live_server, demo, size):
    visited: list[str] = []
    sign_in(browser, live_server, "leader", size, visited)
    wait_url(browser, r"/dashboards/")
    check_page(browser, visited)

    # The charts carry their figures as text: a name, a description with
    # the figures, a name on every link.
    charts = browser.find_elements(By.CSS_SELECTOR, "main svg.chart")
    assert charts, "the overview has no chart"
    for chart in charts:
        assert chart.get_attribute("aria-label")
        description = chart.find_element(By.TAG_NAME, "desc").get_attribute("textContent").strip()
        assert any(character.isdigit() for character in description), description
        for link in chart.find_elements(By.TAG_NAME, "a"):
            assert link.get_attribute("aria-label")

    for tab in ("/dashboards/findings/", "/dashboards/units/", "/dashboards/trends/"):
        click_and_load(browser, browser.find_element(By.CSS_SELECTOR, f"main a[href^='{tab}']"))
        check_page(browser, visited)

    # A figure's list, reached from the chart (the keyboard can follow the
    # same link: it is an <a> in the SVG).
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "main svg.chart a"))
    wait_url(browser, r"/dashboards/list/")
    check_page(browser, visited)

    open_from_menu(browser, "/inspections/")
    check_page(browser, visited)
    open_from_menu(browser, "/indicators/")
    check_page(browser, visited)
    assert len(visited) == 8, visited


def test_the_indicator_grid_on_a_tablet_from_the_keyboard(browser, live_server, demo):
    """An office enters its indicator table on a 768 px tablet: the grid
    scrolls in its own box, Enter and the arrows move between cells with
    the focus visible, and the page passes axe."""
    visited: list[str] = []
    sign_in(browser, live_server, "officer_tuyphong", "laptop", visited)
    browser.set_window_size(768, 1024)
    open_from_menu(browser, "/indicators/")
    check_page(browser, visited)
    editable = browser.find_elements(
        By.XPATH, "//main//a[contains(@href, '/indicators/')][contains(., 'Năm 2020')]"
    )
    click_and_load(browser, editable[0])
    check_page(browser, visited)
    cells = browser.find_elements(By.CSS_SELECTOR, "input.grid-input")
    assert len(cells) > 2, "the table is not editable"
    browser.execute_script("arguments[0].focus()", cells[0])
    assert focus_is_visible(browser), "the focus on a cell is not visible"
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element.get_attribute("id") == cells[1].get_attribute("id")
    browser.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert browser.switch_to.active_element.get_attribute("id") == cells[0].get_attribute("id")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") != cells[0].get_attribute("id")
    assert focus_is_visible(browser)


def test_the_top_bar_fits_from_360_to_1920_px(browser, live_server, demo):
    visited: list[str] = []
    sign_in(browser, live_server, "leader", "laptop", visited)
    for width in SWEEP_WIDTHS:
        browser.set_window_size(width, 800)
        # A long page: its scrollbar takes 15 px of the width.
        browser.get(f"{live_server.url}/dashboards/")
        wait_page_ready(browser)
        assert_fits(browser)
        assert_menu_on_one_line(browser)
        collapsed = browser.find_element(By.CSS_SELECTOR, ".app-navbar .navbar-toggler").is_displayed()
        assert collapsed == (width < 1200), f"at {width} px the menu is collapsed: {collapsed}"
        if collapsed:
            # Opened, every item is there, one under the other, inside the window.
            browser.find_element(By.CSS_SELECTOR, ".app-navbar .navbar-toggler").click()
            wait_for(browser, "#main-nav.show a.nav-link[href$='/dashboards/']")
            wait_for(browser, "#main-nav.show form[action$='/logout/'] button")
            assert_fits(browser)

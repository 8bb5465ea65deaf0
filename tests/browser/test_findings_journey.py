"""Issue 3 in a real browser: an inspector drafts a conclusion's points.

From the plan of the demo province, the inspector opens an inspection of a
planned unit that has none, types three points into each part (HTMX swaps
each part in place), moves one, reloads and finds the new order kept, then
pastes a numbered block copied from Word, reviews the split and saves it.
"""

import datetime

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import (
    ARTIFACTS_DIR,
    click_and_load,
    console_errors,
    login,
    texts,
    type_date,
    wait,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)

pytestmark = pytest.mark.browser

INSPECTOR_NAME = "Trần Thị Thu Hà"  # the demo user ``inspector``
PLAN_NUMBER = "2005/KH-UBND"
UNIT = "Hội An"  # planned in 2005/KH-UBND, not inspected in the demo data
AREA_2019 = "Cải cách thủ tục hành chính"  # of the 2011-2020 programme, valid in 2019

POINTS = {
    "achievement": [
        "Ban hành kịp thời kế hoạch cải cách hành chính năm 2019 của thành phố.",
        "Bộ phận Một cửa được bố trí đủ công chức, trang thiết bị theo quy định.",
        "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,5%, cao hơn năm 2018.",
    ],
    "shortcoming": [
        "Một số thủ tục hành chính chưa được niêm yết công khai tại Bộ phận Một cửa.",
        "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn chậm.",
        "Chưa tổ chức khảo sát mức độ hài lòng của người dân.",
    ],
    "recommendation": [
        "Rà soát, niêm yết đầy đủ các thủ tục hành chính thuộc thẩm quyền.",
        "Đẩy mạnh số hóa hồ sơ theo Nghị định số 45/2020/NĐ-CP.",
        "Tổ chức khảo sát mức độ hài lòng trước ngày 31/12/2019.",
    ],
}

# As copied from a Word document: numbered, the second point wrapped over
# two lines.
PASTED_BLOCK = (
    "1. Kiện toàn đội ngũ công chức làm việc tại Bộ phận Một cửa.\n"
    "2. Chấn chỉnh việc tiếp nhận hồ sơ không đúng quy định,\n"
    "   trả lại hồ sơ cho người dân khi chưa có lý do chính đáng.\n"
    "3. Báo cáo kết quả khắc phục về Sở Nội vụ."
)
PASTED_POINTS = [
    "Kiện toàn đội ngũ công chức làm việc tại Bộ phận Một cửa.",
    "Chấn chỉnh việc tiếp nhận hồ sơ không đúng quy định, "
    "trả lại hồ sơ cho người dân khi chưa có lý do chính đáng.",
    "Báo cáo kết quả khắc phục về Sở Nội vụ.",
]


class SavedPointsNotShownError(AssertionError):
    """Saving the reviewed points did not bring the page back with them."""


def part_texts(browser, kind: str) -> list[str]:
    return texts(browser, f"#part-{kind} li.finding .finding-text")


def add_point(browser, kind: str, text: str) -> None:
    """Open the part's "Thêm nội dung", fill the form and wait for the
    swapped part to show the new point last."""
    before = part_texts(browser, kind)
    part = browser.find_element(By.ID, f"part-{kind}")
    details = part.find_element(By.CSS_SELECTOR, "details.add-finding")
    if details.get_attribute("open") is None:
        details.find_element(By.TAG_NAME, "summary").click()
    area = wait_clickable(browser, f"#id_{kind}_reform_area")
    Select(area).select_by_visible_text(AREA_2019)
    field = wait_clickable(browser, f"#id_{kind}_text")
    field.clear()
    field.send_keys(text)
    details.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(
        browser,
        lambda driver: part_texts(driver, kind) == [*before, text],
        message=f"The point was not added at the end of {kind}: {part_texts(browser, kind)}",
    )


def test_inspector_drafts_points_moves_one_and_pastes_a_block(browser, live_server, demo):
    login(browser, live_server, "inspector")

    # Plans → plan 2005/KH-UBND → a new inspection of a planned unit.
    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/inspections/plans/']"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Kế hoạch kiểm tra")
    click_and_load(browser, browser.find_element(By.LINK_TEXT, PLAN_NUMBER))
    wait_url(browser, r"/inspections/plans/\d+/$")
    uninspected = browser.find_element(
        By.XPATH, "//h2[contains(., 'chưa có cuộc kiểm tra')]/following-sibling::ul"
    )
    assert UNIT in uninspected.text
    click_and_load(browser, wait_clickable(browser, ".js-new-inspection"))

    unit_select = Select(wait_clickable(browser, "#id_unit"))
    offered = [option.text for option in unit_select.options]
    assert not any("Duy Xuyên" in name for name in offered), "a unit already inspected is offered"
    unit_select.select_by_visible_text(next(name for name in offered if UNIT in name))
    team_select = Select(browser.find_element(By.ID, "id_team"))
    team_select.select_by_index(1)
    type_date(browser, browser.find_element(By.ID, "id_inspected_on"), datetime.date(2019, 10, 22))
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".js-create-inspection"))
    inspection_url = wait_url(browser, r"/inspections/(\d+)/$").group(0)
    assert UNIT in browser.find_element(By.TAG_NAME, "h1").text
    assert texts(browser, "#history .history-list li") == []

    # Three points in each part, each swapped in place by HTMX.
    for kind, points in POINTS.items():
        for text in points:
            add_point(browser, kind, text)
    # The history panel follows (historyChanged) without a reload.
    wait(
        browser,
        lambda driver: len(driver.find_elements(By.CSS_SELECTOR, "#history .history-list > li")) == 9,
        message="The history panel did not list the nine new points",
    )
    assert browser.current_url.endswith(inspection_url), "adding a point left the page"

    # The third achievement one up, then a reload: the order is stored.
    third = browser.find_element(By.CSS_SELECTOR, "#part-achievement li.finding:nth-of-type(3)")
    third.find_element(By.CSS_SELECTOR, ".js-move-up").click()
    moved = [POINTS["achievement"][0], POINTS["achievement"][2], POINTS["achievement"][1]]
    wait(
        browser,
        lambda driver: part_texts(driver, "achievement") == moved,
        message="Moving the third achievement up did not reorder the part",
    )
    browser.refresh()
    wait_page_ready(browser)
    assert part_texts(browser, "achievement") == moved
    assert part_texts(browser, "shortcoming") == POINTS["shortcoming"]
    assert part_texts(browser, "recommendation") == POINTS["recommendation"]
    # The history panel: nine points added and the two whose order changed,
    # newest first, all by the inspector.
    entries = texts(browser, "#history .history-list > li")
    assert len(entries) == 9 + 2, entries
    assert all(entry.startswith(INSPECTOR_NAME) for entry in entries), entries
    assert [("(thứ tự)" in entry) for entry in entries[:2]] == [True, True]
    assert sum(f"{INSPECTOR_NAME} thêm " in entry for entry in entries) == 9

    # Paste a numbered block into part III, review the split, save.
    paste_area = wait_for(browser, "#paste-area")
    Select(paste_area.find_element(By.ID, "id_kind")).select_by_value("recommendation")
    Select(paste_area.find_element(By.ID, "id_reform_area")).select_by_visible_text(AREA_2019)
    paste_area.find_element(By.ID, "id_block").send_keys(PASTED_BLOCK)
    paste_area.find_element(By.CSS_SELECTOR, ".js-split").click()
    wait(
        browser,
        lambda driver: len(driver.find_elements(By.CSS_SELECTOR, "#paste-area textarea[name=point]")) == 3,
        message="The review did not show three split points",
    )
    review = [
        area.get_attribute("value")
        for area in browser.find_elements(By.CSS_SELECTOR, "#paste-area textarea[name=point]")
    ]
    assert review == PASTED_POINTS
    try:
        click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "#paste-area .js-save-points"))
    except TimeoutException as error:
        raise SavedPointsNotShownError(
            f"After saving, the page was not reloaded (URL {browser.current_url}); part III shows "
            f"{len(part_texts(browser, 'recommendation'))} points"
        ) from error
    assert browser.current_url.endswith(f"{inspection_url}#part-recommendation")
    assert "Đã thêm 3 điểm." in texts(browser, ".messages .alert")
    assert part_texts(browser, "recommendation") == POINTS["recommendation"] + PASTED_POINTS
    assert part_texts(browser, "achievement") == moved
    assert part_texts(browser, "shortcoming") == POINTS["shortcoming"]

    # The history lists the pasted points too, newest first.
    entries = texts(browser, "#history .history-list > li")
    assert len(entries) == 9 + 2 + 3, entries
    assert all(entry.startswith(INSPECTOR_NAME) for entry in entries), entries
    assert sum(f"{INSPECTOR_NAME} thêm " in entry for entry in entries) == 12
    assert PASTED_POINTS[2][:40] in entries[0]

    # The page is styled (Bootstrap loaded under the CSP) and nothing failed
    # to load or run.
    navbar_display = browser.execute_script(
        "return getComputedStyle(document.querySelector('.navbar')).display"
    )
    assert navbar_display == "flex"
    assert console_errors(browser) == []
    save_final_screenshots(browser)


def save_final_screenshots(browser) -> None:
    """The final page for a person to look at: the window, then the whole
    page."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS_DIR / "findings-journey-final.png"))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1366, min(int(height) + 150, 6000))
    browser.save_screenshot(str(ARTIFACTS_DIR / "findings-journey-final-full.png"))

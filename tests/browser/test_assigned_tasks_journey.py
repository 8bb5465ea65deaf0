"""Issue 13 in a real browser: seed 004's công văn followed up to the
consolidated report.

The demo province's UBND tỉnh Quảng Nam issues seed 004 (the letter and its
assignments built as in ``tests/inspections/test_assigned_tasks.py``): every
recipient gets points 1–9, Sở Tài chính point 12, Sở Nội vụ point 13, and Sở
Nội vụ monitors. Then, through the pages: the officers of Sở Tư pháp and of
Sở Thông tin và Truyền thông find the tasks on their unit's home, open the
report from there, state a result per point, attach the report document and
an evidence file, and submit; the inspector of Sở Nội vụ (the monitoring
unit, not the province's inspectors) accepts Sở Tư pháp's report and returns
point 2 of Sở TT&TT's. Everybody else never reports and is late (the
deadlines were in December 2019). The monitoring matrix and the
consolidated-report draft show exactly that.
"""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from cchc.choices import Role
from cchc.models import Unit
from demo import assigned_tasks as seed
from inspections.models import RemediationTask
from tests.browser.conftest import (
    click_and_load,
    console_errors,
    gone,
    login,
    texts,
    wait,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)
from tests.browser.test_remediation_journey import make_pdf, make_png
from tests.factories import PASSWORD
from tests.inspections.test_assigned_tasks import issue, member

pytestmark = pytest.mark.browser

RETURNED_POINT = 2
RETURN_REASON = "Chưa có danh mục văn bản QPPL đã rà soát; đề nghị bổ sung."


def log_out(browser) -> None:
    click_and_load(browser, wait_clickable(browser, "form[action$='/logout/'] button"))
    wait_url(browser, r"/login/$")
    browser.delete_all_cookies()


def messages(browser) -> list[str]:
    return texts(browser, ".messages .alert")


def saved(browser, item_id: str, before=None):
    """ "Đã lưu" swapped into the item's status (a new one after ``before``,
    the status element of the previous save)."""

    def condition(driver):
        if before is not None and not gone(before)(driver):
            return False
        return "Đã lưu" in driver.find_element(By.ID, f"item-status-{item_id}").text

    return condition


def report_as_unit(browser, live_server, username: str, letter_symbol: str, pdf, photo) -> None:
    """From the unit's home: open the report on the letter, a result and an
    explanation per point, the report document and one evidence file, submit."""
    login(browser, live_server, username, PASSWORD)
    wait_url(browser, r"/inspections/my-unit/$")
    rows = texts(browser, "table.task-table tbody tr")
    assigned = [row for row in rows if f"Văn bản {letter_symbol}, điểm" in row]
    assert len(assigned) == 9, rows  # points 1–9 of the letter
    click_and_load(browser, wait_clickable(browser, ".js-report-assigned"))
    wait_url(browser, r"/inspections/reports/\d+/$")
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.report-item'), (s) => s.id.slice(5))"
    )
    assert len(ids) == 9
    for number, item_id in enumerate(ids, start=1):
        Select(wait_clickable(browser, f"#id_item{item_id}-progress")).select_by_visible_text("Đã hoàn thành")
        wait(browser, saved(browser, item_id), message=f"item {item_id}: progress not saved")
        before = browser.find_element(By.CSS_SELECTOR, f"#item-status-{item_id} > span")
        field = wait_clickable(browser, f"#id_item{item_id}-explanation")
        field.send_keys(f"Đã triển khai điểm {number} tại đơn vị.", Keys.TAB)
        wait(browser, saved(browser, item_id, before), message=f"item {item_id}: explanation not saved")
    for css, path in ((".upload-document", pdf), (f"#item-{ids[0]} form.upload-evidence", photo)):
        form = browser.find_element(By.CSS_SELECTOR, f"form{css}" if css.startswith(".") else css)
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path.resolve()))
        click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert f"Đã tải lên “{path.name}”." in messages(browser)
    assert texts(browser, f"#item-{ids[0]} a[href*='/reports/files/']") == [photo.name]
    click_and_load(browser, wait_clickable(browser, ".js-submit-report"))
    assert texts(browser, ".submit-errors") == []
    assert any(m.startswith("Đã gửi báo cáo.") for m in messages(browser)), messages(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".report-status").get_attribute("data-status") == "submitted"
    assert console_errors(browser) == []
    log_out(browser)


def review_report(browser, unit_name: str, *, returned_point: int | None = None) -> None:
    """From the review queue, the unit's report: accept every point, or
    return one with the reason."""
    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/inspections/reviews/']"))
    link = browser.find_element(By.XPATH, f"//table//tbody//tr[td[contains(., '{unit_name}')]]//td//a")
    click_and_load(browser, link)
    wait_url(browser, r"/inspections/reports/\d+/$")
    ids = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.report-item'), (s) => s.id.slice(5))"
    )
    assert len(ids) == 9
    for number, item_id in enumerate(ids, start=1):
        section = wait_for(browser, f"#item-{item_id}")
        if number == returned_point:
            section.find_element(By.CSS_SELECTOR, f"#reason-{item_id}").send_keys(RETURN_REASON)
            click_and_load(browser, section.find_element(By.CSS_SELECTOR, ".js-return"))
        else:
            click_and_load(browser, section.find_element(By.CSS_SELECTOR, ".js-accept"))
        assert "Đã ghi nhận kết quả xem xét." in messages(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".report-status").get_attribute("data-status") == "reviewed"


def row_states(browser, unit: Unit) -> list[str | None]:
    """The state of each point's cell in the unit's row (None: no task)."""
    return browser.execute_script(
        "const row = document.querySelector(`tr[data-unit='${arguments[0]}']`);"
        "return row ? Array.from(row.querySelectorAll('td'), (c) => c.dataset.state || null) : null",
        unit.pk,
    )


def test_seed_004_two_units_report_one_is_returned_the_others_are_late(browser, live_server, demo, tmp_path):
    letter = issue(seed.seed_004_letter())
    province = letter.issuing_unit
    justice = Unit.objects.get(parent=province, short_name="Sở Tư pháp")
    ict = Unit.objects.get(parent=province, short_name="Sở Thông tin và Truyền thông")
    finance = Unit.objects.get(parent=province, short_name="Sở Tài chính")
    home_affairs = Unit.objects.get(parent=province, short_name="Sở Nội vụ")
    member(Role.UNIT_OFFICER, justice, "canbo.stp")
    member(Role.UNIT_OFFICER, ict, "canbo.stttt")
    member(Role.INSPECTOR, home_affairs, "chuyenvien.snv")
    pdf = make_pdf(tmp_path / "bao-cao-thuc-hien.pdf")
    photo = make_png(tmp_path / "minh-chung.png")
    units_with_tasks = (
        RemediationTask.objects.filter(source_document=letter).values("responsible_unit").distinct()
    )

    # Two units report through their home and the report pages.
    report_as_unit(browser, live_server, "canbo.stp", letter.number_symbol, pdf, photo)
    report_as_unit(browser, live_server, "canbo.stttt", letter.number_symbol, pdf, photo)

    # Sở Nội vụ, the monitoring unit, reviews: accepts one, returns point 2 of the other.
    login(browser, live_server, "chuyenvien.snv", PASSWORD)
    review_report(browser, "Sở Tư pháp")
    review_report(browser, "Sở Thông tin và Truyền thông", returned_point=RETURNED_POINT)

    # The monitoring matrix (Sở Nội vụ does not see the letter's own page,
    # which is the issuer's until it is published).
    browser.get(f"{live_server.url}/inspections/documents/{letter.pk}/matrix/")
    wait_page_ready(browser)
    headers = texts(browser, "table.matrix thead th")[1:]
    assert headers == [f"Điểm {n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13)]
    nine = ["accepted"] * 9
    assert row_states(browser, justice) == nine + [None, None, None]
    returned = list(nine)
    returned[RETURNED_POINT - 1] = "returned"
    assert row_states(browser, ict) == returned + [None, None, None]
    assert row_states(browser, finance) == ["overdue"] * 9 + [None, "overdue", None]
    assert row_states(browser, home_affairs) == ["overdue"] * 9 + [None, None, "overdue"]
    all_states = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.matrix td[data-state]'), (c) => c.dataset.state)"
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.matrix tbody tr")) == units_with_tasks.count()
    assert all_states.count("accepted") == 17 and all_states.count("returned") == 1
    assert set(all_states) == {"accepted", "returned", "overdue"}
    counts = dict(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('.js-count'), (b) => [b.dataset.state, b.innerText])"
        )
    )
    assert counts["returned"].endswith(": 1") and counts["accepted"].endswith(": 17")
    # The filter: the returned cell only.
    Select(browser.find_element(By.ID, "f-state")).select_by_value("returned")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form[method=get] button[type=submit]"))
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.matrix tbody tr'), (r) => r.dataset.unit)"
    )
    assert rows == [str(ict.pk)]

    # The consolidated-report draft, drafted from the matrix.
    click_and_load(browser, wait_clickable(browser, ".js-consolidated"))
    draft_id = wait_url(browser, r"/documents/(\d+)/$").group(1)
    assert draft_id != str(letter.pk)
    preview = browser.find_element(By.CSS_SELECTOR, "a[href$='/preview/']").get_attribute("href")
    browser.get(preview)
    wait(browser, lambda driver: "Điểm 1 (" in driver.find_element(By.TAG_NAME, "body").text)
    text = re.sub(r"\s+", " ", browser.find_element(By.TAG_NAME, "body").text)
    point_1 = text[text.index("Điểm 1 (") : text.index("Điểm 2 (")]
    accepted = re.search(r"Đã hoàn thành, được chấp nhận \(2\): ([^.]*)\.", point_1)
    assert accepted and set(accepted.group(1).split("; ")) == {"Sở Tư pháp", "Sở Thông tin và Truyền thông"}
    assert "Báo cáo bị trả lại" not in point_1
    assert "Chưa báo cáo, đã quá hạn" in point_1 and "Sở Tài chính" in point_1
    point_2 = text[text.index("Điểm 2 (") : text.index("Điểm 3 (")]
    assert "Đã hoàn thành, được chấp nhận (1): Sở Tư pháp." in point_2
    assert "Báo cáo bị trả lại, phải bổ sung (1): Sở Thông tin và Truyền thông." in point_2
    late = letter.recipient_units.count() - 2  # points 1–9 bind every recipient
    assert f"Chưa báo cáo, đã quá hạn ({late}): " in point_2
    point_12 = text[text.index("Điểm 12 (") : text.index("Điểm 13 (")]
    assert "1 đơn vị được giao." in point_12 and "Chưa báo cáo, đã quá hạn (1): Sở Tài chính." in point_12
    assert "Đã báo cáo" not in text  # nobody reported without being reviewed

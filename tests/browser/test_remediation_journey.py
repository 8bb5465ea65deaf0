"""Issue 5 in a real browser: a remediation report from upload to close.

The officer of xã Duy Xuyên finds the four tasks of this year's inspection
on the unit's home (two due this week, two overdue by days: the demo is
dated from the day it is loaded), writes the remediation report with its
document and two evidence files (a PNG and an XLSX, each proving a
different task), and submits it, late. The inspector of the province
returns one task with a reason and accepts the other five; the officer
opens revision 2, which holds only the returned task and shows why it came
back, changes the explanation and submits again; the inspector accepts it.
The inspection is then closed, and the report pages show each step:
both revisions, the decisions on each task and the history with who did
what.
"""

import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from weasyprint import HTML

from cchc.models import User
from demo.province import DEMO_PASSWORD
from inspections.models import Inspection
from inspections.selectors import unit_tasks
from tests.browser.conftest import (
    ARTIFACTS_DIR,
    accept_confirmation,
    console_errors,
    texts,
    type_date,
    wait,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)

pytestmark = pytest.mark.browser

OFFICER_NAME = "Nguyễn Văn Bình"  # the demo user ``officer``, UBND xã Duy Xuyên
INSPECTOR_NAME = "Trần Thị Thu Hà"  # the demo user ``inspector``, UBND thành phố Đà Nẵng
UNIT = "UBND xã Duy Xuyên"
PLAN_NUMBER = "35/KH-UBND"  # this year's plan of the demo (demo/living.py)
TASK_COUNT = 4  # due in 3 and 6 days, overdue by 4 and 9 days

REPORT_NUMBER = "215/BC-UBND"
REPORT_SUMMARY = "Kết quả khắc phục các tồn tại, hạn chế theo Thông báo số 146/TB-ĐKT."
EXPLANATIONS = [
    "Đã nâng cấp Bộ phận Tiếp nhận và Trả kết quả tại 14 xã, thị trấn.",
    "Đã tổ chức 12 hội nghị hướng dẫn người dân nộp hồ sơ trực tuyến.",
    "Đã giảm 9 biên chế theo Đề án tinh giản biên chế giai đoạn 2015-2021.",
    "Đã ban hành kế hoạch theo dõi, đánh giá cải cách hành chính các xã.",
    "Đã đầu tư hệ thống mạng nội bộ cho 5 phòng chuyên môn.",
    "Đã công bố hệ thống quản lý chất lượng theo TCVN ISO 9001:2015.",
]
PHOTO_TASK = 0  # the PNG proves the first task
SHEET_TASK = 1  # the XLSX proves the second, which the inspector returns
RETURNED_TASK = SHEET_TASK
RETURN_REASON = "Bảng tổng hợp chưa có số liệu của 4 xã; đề nghị bổ sung đủ 18 xã, thị trấn."
NEW_EXPLANATION = "Đã tổ chức 18 hội nghị tại tất cả 18 xã, thị trấn; bảng tổng hợp kèm theo đủ số liệu."


# The files a unit would upload: small but real ----------------------------


def make_pdf(path):
    HTML(
        string=(
            "<meta charset='utf-8'><h1>Báo cáo số 215/BC-UBND</h1>"
            "<p>Kết quả khắc phục theo Thông báo số 146/TB-ĐKT.</p>"
        )
    ).write_pdf(path)
    assert path.read_bytes().startswith(b"%PDF-")
    return path


def make_png(path):
    Image.new("RGB", (64, 48), (30, 110, 180)).save(path, format="PNG")
    return path


def make_xlsx(path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    sheet.append(["Xã, thị trấn", "Số hội nghị", "Số người tham dự"])
    sheet.append(["Duy Sơn", 1, 85])
    sheet.append(["Duy Trung", 1, 72])
    workbook.save(path)
    return path


# Helpers --------------------------------------------------------------------


def gone(element):
    """A condition: ``element`` has left the page (a new page loaded, or HTMX
    swapped it out). Chromedriver sometimes answers for such an element
    with "Node with given id does not belong to the document" instead of a
    stale element (SeleniumHQ/selenium#15401); that is gone too."""

    def condition(driver):
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return condition


def click_and_load(browser, element) -> None:
    """Click something that loads a new page, and wait for that page (the
    harness's click_and_load, safe from the chromedriver error above)."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    accept_confirmation(browser)
    wait(browser, gone(old_page), message="Clicking did not load a new page")
    wait_page_ready(browser)


def login(browser, live_server, username: str) -> None:
    """Sign in through the real login form and wait for the home page."""
    browser.get(f"{live_server.url}/login/")
    wait_page_ready(browser)
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit].w-100"))
    assert "/login/" not in browser.current_url, f"Login of {username!r} failed: {texts(browser, '.alert')}"
    wait_for(browser, "form[action$='/logout/'] button")


def log_out(browser) -> None:
    """Sign out through the navbar form, then start a fresh session."""
    click_and_load(browser, wait_clickable(browser, "form[action$='/logout/'] button"))
    wait_url(browser, r"/login/$")
    browser.delete_all_cookies()


def upload(browser, form, path: Path) -> None:
    """Choose ``path`` in the form's file input as the file dialog would
    (its absolute path typed into the input), and send the form."""
    field = form.find_element(By.CSS_SELECTOR, "input[type=file]")
    field.send_keys(str(path.resolve()))
    assert field.get_attribute("value").endswith(path.name), "the file input did not take the file"
    click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def item_ids(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('section.report-item'), (s) => s.id.slice(5))"
    )


def report_status(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, ".report-status").get_attribute("data-status")


def messages(browser) -> list[str]:
    return texts(browser, ".messages .alert")


def wait_saved(browser, item_id: str, before=None) -> None:
    """Wait for the HTMX save of an item's form: "Đã lưu" swapped into its
    status, a new one when ``before`` (the previous status) is given."""
    if before is not None:
        wait(browser, gone(before), message=f"Item {item_id} was not saved again")
    wait(
        browser,
        lambda driver: "Đã lưu" in driver.find_element(By.ID, f"item-status-{item_id}").text,
        message=f"Item {item_id} did not show “Đã lưu”: "
        f"{browser.find_element(By.ID, f'item-status-{item_id}').text!r}",
    )


def status_span(browser, item_id: str):
    return browser.find_element(By.CSS_SELECTOR, f"#item-status-{item_id} > span")


def fill_item(browser, item_id: str, explanation: str, *, progress: str | None = "Đã hoàn thành") -> None:
    """Choose the result (saved on change) and write the explanation (saved
    when the field is left), each saved in place."""
    before = None
    if progress is not None:
        Select(wait_clickable(browser, f"#id_item{item_id}-progress")).select_by_visible_text(progress)
        wait_saved(browser, item_id)
        before = status_span(browser, item_id)
    field = wait_clickable(browser, f"#id_item{item_id}-explanation")
    field.clear()
    field.send_keys(explanation, Keys.TAB)
    wait_saved(browser, item_id, before)


def open_report_from_inspection(browser) -> str:
    """On the inspection page, "Báo cáo kết quả khắc phục": the report page."""
    click_and_load(browser, wait_clickable(browser, ".js-open-report"))
    return wait_url(browser, r"/inspections/reports/(\d+)/$").group(1)


def this_years_inspection() -> Inspection:
    return Inspection.objects.get(plan__number=PLAN_NUMBER, unit__short_name=UNIT)


def open_from_review_queue(browser, revision: int) -> None:
    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/inspections/reviews/']"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Báo cáo khắc phục chờ xem xét"
    # The demo's other report (xã Nam Phước) waits there too.
    rows = [
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
        if row.find_element(By.TAG_NAME, "td").text.startswith(UNIT)
    ]
    assert len(rows) == 1, texts(browser, "table tbody tr")
    cells = [cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")]
    assert cells[0] == f"{UNIT} quá hạn", cells
    inspected = this_years_inspection().inspected_on
    assert cells[1].startswith(f"{PLAN_NUMBER} · {inspected:%d/%m/%Y}"), cells
    assert cells[2] == str(revision), cells
    click_and_load(browser, rows[0].find_element(By.CSS_SELECTOR, "td a"))
    wait_url(browser, r"/inspections/reports/\d+/$")
    assert f"(lần {revision})" in browser.find_element(By.TAG_NAME, "h1").text


def review(browser, item_id: str, *, reason: str | None = None) -> None:
    """Accept the item, or return it with ``reason``; the page reloads."""
    section = wait_for(browser, f"#item-{item_id}")
    if reason is None:
        click_and_load(browser, section.find_element(By.CSS_SELECTOR, ".js-accept"))
    else:
        section.find_element(By.CSS_SELECTOR, f"#reason-{item_id}").send_keys(reason)
        click_and_load(browser, section.find_element(By.CSS_SELECTOR, ".js-return"))
    assert "Đã ghi nhận kết quả xem xét." in messages(browser)
    decision = browser.find_element(By.ID, f"item-{item_id}").get_attribute("data-decision")
    assert decision == ("accepted" if reason is None else "returned")


def history(browser) -> list[str]:
    """The report's history, newest first, without the times."""
    entries = texts(browser, ".report-history li")
    return [re.sub(r"^\d\d:\d\d \d\d/\d\d/\d{4} · ", "", entry) for entry in entries]


def test_officer_reports_inspector_returns_one_task_officer_resubmits_inspection_closes(
    browser, live_server, demo, tmp_path
):
    pdf = make_pdf(tmp_path / "Bao cao 215-BC-UBND.pdf")
    photo = make_png(tmp_path / "bo-phan-mot-cua-duy-son.png")
    sheet = make_xlsx(tmp_path / "tong-hop-hoi-nghi.xlsx")
    today = timezone.localdate()
    report_date = today
    inspection = this_years_inspection()
    # Every task the officer's scope holds: this year's four, and last
    # year's and 2019's (huyện Duy Xuyên's), accepted long ago.
    all_tasks = unit_tasks(User.objects.get(username="officer"), today).count()

    # The officer lands on the unit's home: two tasks overdue by days, two
    # due this week.
    login(browser, live_server, "officer")
    wait_url(browser, r"/inspections/my-unit/$")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nhiệm vụ khắc phục của đơn vị"
    counts = texts(browser, ".badge.fs-6")
    assert counts == ["2 quá hạn", "2 sắp đến hạn", f"{all_tasks} nhiệm vụ"]
    rows = [
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "table.task-table tbody tr")
        if row.find_elements(By.TAG_NAME, "td")[2].text == f"{UNIT} · {inspection.inspected_on:%d/%m/%Y}"
    ]
    assert len(rows) == TASK_COUNT
    left = []
    for row, task in zip(rows, inspection.tasks.order_by("deadline", "id"), strict=True):
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        days = (task.deadline - today).days
        css = "table-danger" if days < 0 else "table-warning"
        assert css in row.get_attribute("class").split(), cells
        assert cells[1] == UNIT
        assert cells[3] == f"{task.deadline:%d/%m/%Y}"
        assert cells[4] == (f"quá hạn {-days} ngày" if days < 0 else f"{days} ngày")
        assert cells[5] == "Chưa báo cáo"
        left.append(days)
    assert left == [-9, -4, 3, 6]

    # The inspection, then "Báo cáo kết quả khắc phục": a draft, revision 1.
    inspections = browser.find_element(
        By.XPATH, "//h2[normalize-space()='Cuộc kiểm tra đã có kết luận']/following-sibling::ul"
    )
    click_and_load(browser, inspections.find_element(By.PARTIAL_LINK_TEXT, UNIT))
    inspection_url = browser.current_url
    assert re.search(r"/inspections/\d+/$", inspection_url)
    assert "Duy Xuyên" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.CSS_SELECTOR, ".badge.status-concluded").text == "Đã ban hành kết luận"
    first_id = open_report_from_inspection(browser)
    first_url = browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Báo cáo khắc phục của {UNIT} (lần 1)"
    assert report_status(browser) == "draft"
    ids = item_ids(browser)
    assert len(ids) == TASK_COUNT

    # The header, saved with its button.
    browser.find_element(By.ID, "id_document_number").send_keys(REPORT_NUMBER)
    type_date(browser, browser.find_element(By.ID, "id_document_date"), report_date)
    browser.find_element(By.ID, "id_summary").send_keys(REPORT_SUMMARY)
    header_form = browser.find_element(By.CSS_SELECTOR, "form[action$='/edit/']")
    click_and_load(browser, header_form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Đã lưu báo cáo." in messages(browser)
    assert browser.find_element(By.ID, "id_document_number").get_attribute("value") == REPORT_NUMBER
    assert browser.find_element(By.ID, "id_document_date").get_attribute("value") == report_date.isoformat()

    # The report document.
    upload(browser, browser.find_element(By.CSS_SELECTOR, "form.upload-document"), pdf)
    assert f"Đã tải lên “{pdf.name}”." in messages(browser)
    assert texts(browser, ".report-documents li a") == [pdf.name]

    # Each task's result and explanation, saved in place by HTMX.
    for item_id, explanation in zip(ids, EXPLANATIONS[:TASK_COUNT], strict=True):
        fill_item(browser, item_id, explanation)
    assert browser.current_url == first_url, "saving an item left the page"

    # Two evidence files, each on its own task (each upload reloads the
    # page, which shows what HTMX saved).
    for index, path in ((PHOTO_TASK, photo), (SHEET_TASK, sheet)):
        form = browser.find_element(By.CSS_SELECTOR, f"#item-{ids[index]} form.upload-evidence")
        upload(browser, form, path)
        assert f"Đã tải lên “{path.name}”." in messages(browser)
    for index, item_id in enumerate(ids):
        evidence = texts(browser, f"#item-{item_id} a[href*='/reports/files/']")
        expected = {PHOTO_TASK: [photo.name], SHEET_TASK: [sheet.name]}.get(index, [])
        assert evidence == expected, (index, evidence)
        progress = Select(browser.find_element(By.ID, f"id_item{item_id}-progress"))
        assert progress.first_selected_option.text == "Đã hoàn thành"
        field = browser.find_element(By.ID, f"id_item{item_id}-explanation")
        assert field.get_attribute("value") == EXPLANATIONS[index]

    # Submit: sent, and marked late (two deadlines have passed).
    click_and_load(browser, wait_clickable(browser, ".js-submit-report"))
    assert browser.current_url == first_url
    assert texts(browser, ".submit-errors") == []
    assert "Đã gửi báo cáo. Báo cáo được ghi nhận là gửi quá hạn." in messages(browser)
    assert report_status(browser) == "submitted"
    assert browser.find_element(By.CSS_SELECTOR, ".report-status").text == "Đã gửi"
    assert "Gửi quá hạn" in texts(browser, ".badge.text-bg-danger")
    assert browser.find_elements(By.CSS_SELECTOR, ".js-submit-report, .item-form, .upload-evidence") == []
    assert f"Số {REPORT_NUMBER} ngày {report_date:%d/%m/%Y}" in browser.find_element(By.TAG_NAME, "main").text
    log_out(browser)

    # The inspector returns the sheet's task with a reason, accepts the rest.
    login(browser, live_server, "inspector")
    open_from_review_queue(browser, revision=1)
    assert browser.current_url == first_url
    assert report_status(browser) == "submitted"
    assert item_ids(browser) == ids
    assert len(browser.find_elements(By.CSS_SELECTOR, ".review-form")) == TASK_COUNT
    review(browser, ids[RETURNED_TASK], reason=RETURN_REASON)
    for index, item_id in enumerate(ids):
        if index != RETURNED_TASK:
            review(browser, item_id)
    assert report_status(browser) == "reviewed"
    assert browser.find_elements(By.CSS_SELECTOR, ".review-form") == []
    returned = browser.find_element(By.CSS_SELECTOR, f"#item-{ids[RETURNED_TASK]} .return-reason")
    assert returned.text == f"Trả lại: {RETURN_REASON}"
    accepted = texts(browser, ".report-item .alert-success")
    assert len(accepted) == TASK_COUNT - 1
    assert all(text.startswith(f"Đã chấp nhận · {INSPECTOR_NAME} · ") for text in accepted), accepted
    log_out(browser)

    # The officer opens the report again: revision 2, the returned task only,
    # with the reason, what was written and the evidence carried over.
    login(browser, live_server, "officer")
    returned_rows = [
        row for row in texts(browser, "table.task-table tbody tr") if "Trả lại, yêu cầu bổ sung" in row
    ]
    assert len(returned_rows) == 1, texts(browser, "table.task-table tbody tr")
    browser.get(inspection_url)
    wait_page_ready(browser)
    assert texts(browser, ".remediation-reports a") == [f"Báo cáo khắc phục lần 1 của {UNIT} · Đã xem xét"]
    second_id = open_report_from_inspection(browser)
    assert second_id != first_id
    second_url = browser.current_url
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Báo cáo khắc phục của {UNIT} (lần 2)"
    assert report_status(browser) == "draft"
    (again,) = item_ids(browser)
    assert texts(browser, f"#item-{again} .return-reason") == [f"Lần trước bị trả lại vì: {RETURN_REASON}"]
    assert texts(browser, f"#item-{again} a[href*='/reports/files/']") == [sheet.name]
    assert texts(browser, ".report-documents li a") == [pdf.name]
    field = browser.find_element(By.ID, f"id_item{again}-explanation")
    assert field.get_attribute("value") == EXPLANATIONS[RETURNED_TASK]
    fill_item(browser, again, NEW_EXPLANATION, progress=None)
    browser.refresh()
    wait_page_ready(browser)
    field = browser.find_element(By.ID, f"id_item{again}-explanation")
    assert field.get_attribute("value") == NEW_EXPLANATION
    click_and_load(browser, wait_clickable(browser, ".js-submit-report"))
    assert texts(browser, ".submit-errors") == []
    assert "Đã gửi báo cáo. Báo cáo được ghi nhận là gửi quá hạn." in messages(browser)
    assert report_status(browser) == "submitted"
    log_out(browser)

    # The inspector accepts it: the report is reviewed, the inspection closed.
    login(browser, live_server, "inspector")
    open_from_review_queue(browser, revision=2)
    assert browser.current_url == second_url
    assert NEW_EXPLANATION in browser.find_element(By.ID, f"item-{again}").text
    review(browser, again)
    assert report_status(browser) == "reviewed"
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, ".breadcrumb a"))
    assert browser.current_url == inspection_url
    assert browser.find_element(By.CSS_SELECTOR, ".badge.status-closed").text == "Đã hoàn thành khắc phục"
    assert texts(browser, "#tasks tbody tr td:last-child") == ["Đã chấp nhận"] * TASK_COUNT
    assert texts(browser, ".remediation-reports a") == [
        f"Báo cáo khắc phục lần 1 của {UNIT} · Đã xem xét",
        f"Báo cáo khắc phục lần 2 của {UNIT} · Đã xem xét",
    ]

    # Each step on the report pages: both revisions, and who did what.
    click_and_load(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Báo cáo khắc phục lần 1"))
    assert browser.current_url == first_url
    assert texts(browser, ".pagination .page-link") == ["Lần 1", "Lần 2"]
    assert texts(browser, ".pagination .active .page-link") == ["Lần 1"]
    steps = history(browser)
    # Newest first: the reviews of each task (one returned with its reason),
    # then the submission, then the draft.
    assert steps[-2:] == [f"{OFFICER_NAME} · Đã gửi", f"{OFFICER_NAME} · Dự thảo"]
    reviews = steps[:-2]
    assert f"{INSPECTOR_NAME} · Đã xem xét" in reviews
    assert (
        sum(step.startswith(f"{INSPECTOR_NAME} · Chấp nhận nhiệm vụ ") for step in reviews) == TASK_COUNT - 1
    )
    assert [step for step in reviews if "Trả lại nhiệm vụ" in step] == [
        f"{INSPECTOR_NAME} · Trả lại nhiệm vụ {RETURNED_TASK + 1}: {RETURN_REASON}"
    ]
    assert texts(browser, f"#item-{ids[RETURNED_TASK]} .return-reason") == [f"Trả lại: {RETURN_REASON}"]
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Lần 2"))
    assert browser.current_url == second_url
    assert texts(browser, ".pagination .active .page-link") == ["Lần 2"]
    steps = history(browser)
    assert steps[-2:] == [f"{OFFICER_NAME} · Đã gửi", f"{OFFICER_NAME} · Dự thảo"]
    assert sorted(steps[:-2]) == sorted(
        [f"{INSPECTOR_NAME} · Đã xem xét", f"{INSPECTOR_NAME} · Chấp nhận nhiệm vụ 1"]
    )
    assert texts(browser, f"#item-{again} .return-reason") == [f"Lần trước bị trả lại vì: {RETURN_REASON}"]
    (accepted,) = texts(browser, f"#item-{again} .alert-success")
    assert accepted.startswith(f"Đã chấp nhận · {INSPECTOR_NAME} · ")
    assert console_errors(browser) == []
    save_final_screenshots(browser)

    # The officer's home: nothing overdue and nothing left to report.
    log_out(browser)
    login(browser, live_server, "officer")
    assert texts(browser, ".badge.fs-6") == ["0 quá hạn", "0 sắp đến hạn", f"{all_tasks} nhiệm vụ"]
    assert texts(browser, "table.task-table tbody tr td:last-child") == ["Đã chấp nhận"] * all_tasks
    browser.get(inspection_url)
    wait_page_ready(browser)
    assert browser.find_element(By.CSS_SELECTOR, ".badge.status-closed").text == "Đã hoàn thành khắc phục"
    assert browser.find_elements(By.CSS_SELECTOR, ".js-open-report") == []
    assert console_errors(browser) == []


def save_final_screenshots(browser) -> None:
    """The final report page for a person to look at: the window, then the
    whole page."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS_DIR / "remediation-journey-final.png"))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1366, min(int(height) + 150, 6000))
    browser.save_screenshot(str(ARTIFACTS_DIR / "remediation-journey-final-full.png"))
    browser.set_window_size(1366, 900)

"""Nothing typed is lost on the remediation report (issue 16, item 1).

The officer fills the report from top to bottom, as the form reads: the
report number, its date and the summary, then the report document, and
presses "Tải lên văn bản (PDF, DOCX)" without pressing "Lưu" first. What
was typed must still be there after the upload, and after a refused file
too. A task's explanation, typed before its evidence is uploaded, stays as
well.
"""

import datetime

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import type_date, wait_clickable
from tests.browser.test_remediation_journey import (
    click_and_load,
    login,
    make_pdf,
    messages,
    open_report_from_inspection,
)

pytestmark = pytest.mark.browser

NUMBER = "215/BC-UBND"
DATE = datetime.date(2020, 1, 10)
SUMMARY = "Kết quả khắc phục các tồn tại, hạn chế theo Thông báo số 146/TB-ĐKT."
EXPLANATION = "Đã nâng cấp Bộ phận Tiếp nhận và Trả kết quả tại 14 xã, thị trấn."


def open_report(browser, live_server) -> None:
    login(browser, live_server, "officer")
    browser.get(f"{live_server.url}/inspections/my-unit/")
    link = browser.find_element(
        By.XPATH, "//h2[normalize-space()='Cuộc kiểm tra đã có kết luận']/following-sibling::ul//a"
    )
    click_and_load(browser, link)
    open_report_from_inspection(browser)


def type_header(browser) -> None:
    browser.find_element(By.ID, "id_document_number").send_keys(NUMBER)
    type_date(browser, browser.find_element(By.ID, "id_document_date"), DATE)
    browser.find_element(By.ID, "id_summary").send_keys(SUMMARY)


def upload_document(browser, path) -> None:
    """Choose the report document and press its own button (not "Lưu")."""
    browser.find_element(By.CSS_SELECTOR, "#id_upload_doc_file").send_keys(str(path.resolve()))
    button = browser.find_element(
        By.XPATH, "//button[@type='submit'][normalize-space()='Tải lên văn bản (PDF, DOCX)']"
    )
    click_and_load(browser, button)


def header_values(browser) -> tuple[str, str, str]:
    return tuple(
        browser.find_element(By.ID, field).get_attribute("value")
        for field in ("id_document_number", "id_document_date", "id_summary")
    )


def test_the_header_typed_before_the_upload_survives_it(browser, live_server, demo, tmp_path):
    pdf = make_pdf(tmp_path / "bao-cao.pdf")
    open_report(browser, live_server)
    type_header(browser)
    upload_document(browser, pdf)
    assert "Đã tải lên “bao-cao.pdf”." in messages(browser)
    assert header_values(browser) == (NUMBER, DATE.isoformat(), SUMMARY)
    # Saved, not only shown: a fresh load of the page has them.
    browser.refresh()
    assert header_values(browser) == (NUMBER, DATE.isoformat(), SUMMARY)


def test_the_header_typed_before_a_refused_file_survives_it(browser, live_server, demo, tmp_path):
    fake = tmp_path / "bao-cao.pdf"
    fake.write_text("not a PDF at all")
    open_report(browser, live_server)
    type_header(browser)
    upload_document(browser, fake)
    refusals = " ".join(el.text for el in browser.find_elements(By.CSS_SELECTOR, "main .alert-danger"))
    assert "không đúng định dạng" in refusals, refusals
    assert header_values(browser) == (NUMBER, DATE.isoformat(), SUMMARY)


def test_an_explanation_typed_before_its_evidence_survives_the_upload(browser, live_server, demo, tmp_path):
    pdf = make_pdf(tmp_path / "kiem-chung.pdf")
    open_report(browser, live_server)
    item = browser.find_element(By.CSS_SELECTOR, "section.report-item")
    item_id = item.get_attribute("id").removeprefix("item-")
    field = wait_clickable(browser, f"#id_item{item_id}-explanation")
    field.send_keys(EXPLANATION)
    form = item.find_element(By.CSS_SELECTOR, "form.upload-evidence")
    form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(pdf.resolve()))
    click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Đã tải lên “kiem-chung.pdf”." in messages(browser)
    assert browser.find_element(By.ID, f"id_item{item_id}-explanation").get_attribute("value") == EXPLANATION

"""Irreversible actions ask first (issue 16, item 6): sending the
remediation report opens a confirmation; cancelling sends nothing."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import wait, wait_clickable
from tests.browser.test_remediation_journey import report_status
from tests.browser.test_typed_text_kept import open_report

pytestmark = pytest.mark.browser


def test_sending_the_report_asks_first_and_cancel_sends_nothing(browser, live_server, demo):
    open_report(browser, live_server)
    url = browser.current_url
    wait_clickable(browser, ".js-submit-report").click()
    alert = wait(browser, lambda driver: driver.switch_to.alert, message="No confirmation was asked")
    assert alert.text.startswith("Gửi báo cáo tới Đoàn kiểm tra?")
    alert.dismiss()
    assert browser.current_url == url
    assert report_status(browser) == "draft"
    assert browser.find_elements(By.CSS_SELECTOR, ".submit-errors") == []

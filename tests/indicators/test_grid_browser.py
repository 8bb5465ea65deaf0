"""The grid in a real browser (headless Chromium): it moves with the
keyboard, saves each cell as the user leaves it, keeps a wrong entry with
its message, and acknowledges a warning in place; no CSP violation."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from demo.indicator_tables import load_indicator_demo
from demo.province import DEMO_PASSWORD
from indicators.models import Indicator, IndicatorValue
from tests.browser import conftest as browser_tests
from tests.browser.conftest import click_and_load, console_errors, login, wait, wait_clickable, wait_for

# The fixtures of the browser tests (a headless Chromium, the static files
# served by the live server), used here as they are there.
browser = browser_tests.browser
static_assets = browser_tests.static_assets

pytestmark = pytest.mark.browser


@pytest.fixture
def tuy_phong(transactional_db):
    load_indicator_demo(password=DEMO_PASSWORD)


def value(number, code="PL03", period=(2020, True)):
    indicator = Indicator.objects.get(template__code=code, number=number)
    return IndicatorValue.objects.filter(
        indicator=indicator, table__year=period[0], table__through__isnull=not period[1]
    ).first()


def test_typing_through_the_grid(browser, live_server, tuy_phong):
    login(browser, live_server, "officer_tuyphong")
    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/indicators/']"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Năm 2020 (tính đến 31/3)"))

    one_two = Indicator.objects.get(template__code="PL03", number="1.2")
    one_three = Indicator.objects.get(template__code="PL03", number="1.3")
    cell = wait_for(browser, f"#cell-{one_two.pk}")
    cell.click()
    cell.send_keys(Keys.CONTROL, "a")
    cell.send_keys("264", Keys.ENTER)
    # Enter moved down to 1.3 and the cell saved itself on the way.
    wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == f"cell-{one_three.pk}")
    wait(browser, lambda d: value("1.2").number == 264, message="1.2 was not saved")

    focused = browser.switch_to.active_element
    focused.send_keys(Keys.CONTROL, "a")
    focused.send_keys("abc", Keys.ARROW_DOWN)
    error = wait_for(browser, f"#error-{one_three.pk}")
    assert error.text == "Số lượng phải là số nguyên không âm (ghi “abc”)."
    assert browser.find_element(By.ID, f"cell-{one_three.pk}").get_attribute("value") == "abc"
    assert value("1.3").number == 106

    # Escape gives the cell its saved value back.
    browser.find_element(By.ID, f"cell-{one_two.pk}").click()
    active = browser.switch_to.active_element
    active.send_keys(Keys.CONTROL, "a")
    active.send_keys("999", Keys.ESCAPE)
    assert browser.find_element(By.ID, f"cell-{one_two.pk}").get_attribute("value") == "264"

    on_time = Indicator.objects.get(template__code="PL03", number="5.2")
    row = wait_for(browser, f"#row-{on_time.pk}")
    assert "Tử số (2717) lớn hơn mẫu số (2700)." in row.text
    row.find_element(By.CSS_SELECTOR, "button.btn-outline-warning").click()
    wait(browser, lambda d: "(đã xác nhận)" in d.find_element(By.ID, f"row-{on_time.pk}").text)
    assert not value("5.2").needs_acknowledgement
    assert console_errors(browser) == []

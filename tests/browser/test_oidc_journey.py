"""The central sign-in in a real browser, against the real OpenID Connect
provider of ``tests/oidc_provider`` started in its own process: the button
of the login page, the provider's login form, and back to cchc signed in;
or, for a person cchc does not know, back to the login page with the
reason, and no user made."""

import pytest
from django.contrib.auth import get_user_model
from selenium.webdriver.common.by import By

from cchc.choices import Role
from cchc.models import Membership
from tests.browser.conftest import (
    click_and_load,
    console_errors,
    texts,
    wait_clickable,
    wait_for,
    wait_page_ready,
    wait_url,
)
from tests.oidc_provider.process import KNOWN, STRANGER

pytestmark = pytest.mark.browser

BUTTON = "Đăng nhập bằng tài khoản một cửa của tỉnh"


@pytest.fixture
def known(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.district_a, username="nguyen.an", email=KNOWN["email"])


def sign_in_at_provider(browser, live_server, person: dict) -> None:
    browser.get(f"{live_server.url}/login/")
    wait_page_ready(browser)
    button = wait_clickable(browser, "a.js-oidc-sign-in")
    assert button.text.strip() == BUTTON
    # The password form is there too, while local login is on.
    assert browser.find_elements(By.NAME, "password")
    button.click()
    wait_for(browser, "#provider-login")
    browser.find_element(By.ID, "op-username").send_keys(person["username"])
    browser.find_element(By.ID, "op-password").send_keys(person["password"])
    browser.find_element(By.ID, "op-submit").click()


def test_a_known_official_signs_in_through_the_province_provider(browser, live_server, oidc_settings, known):
    users = get_user_model().objects.count()

    sign_in_at_provider(browser, live_server, KNOWN)

    wait_url(browser, rf"^{live_server.url}/")
    wait_for(browser, "form[action$='/logout/'] button")
    assert "/login/" not in browser.current_url
    assert known.get_full_name() in browser.find_element(By.TAG_NAME, "nav").text
    assert get_user_model().objects.count() == users
    assert console_errors(browser) == []

    # Signing out ends the session at cchc.
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/logout/'] button"))
    assert "/login/" in browser.current_url


def test_a_person_unknown_to_cchc_is_refused_with_a_message(browser, live_server, oidc_settings, units):
    users, memberships = get_user_model().objects.count(), Membership.objects.count()

    sign_in_at_provider(browser, live_server, STRANGER)

    wait_url(browser, rf"^{live_server.url}/login/")
    wait_for(browser, ".alert-danger")
    (message,) = texts(browser, ".alert-danger")
    assert STRANGER["email"] in message
    assert "chưa được cấp quyền sử dụng hệ thống CCHC" in message
    assert not browser.find_elements(By.CSS_SELECTOR, "form[action$='/logout/'] button")
    assert get_user_model().objects.count() == users
    assert Membership.objects.count() == memberships
    assert not get_user_model().objects.filter(email__iexact=STRANGER["email"]).exists()
    assert console_errors(browser) == []

"""Browser tests: the real UI in Debian's headless Chromium, driven by
Selenium, against pytest-django's ``live_server``.

Tests here are marked ``browser``. Where Chromium or its driver is missing
they are skipped with the reason, except in CI (``CI`` set), where a missing
browser is a failure: the set-up (``make test``) installs both.

On a failure the page as the browser saw it is kept: a screenshot and the
page source under ``var/browser-artifacts/``, their paths printed in the
report.
"""

import datetime
import io
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from demo.province import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS_DIR = Path(settings.BASE_DIR) / "var" / "browser-artifacts"
WAIT_SECONDS = 15

# Without these Chromium reaches for Google's hosts at start and in the
# background, which this closed network refuses (see the machine notes).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1366,900",
    # Bootstrap scrolls smoothly unless the user prefers reduced motion; a
    # click would then land where the element was before the scroll ended.
    "--force-prefers-reduced-motion",
    # Chromium's own locale (the order a date input takes its keys in: see
    # type_date); the pages are asked for in Vietnamese through
    # Accept-Language (the "intl.accept_languages" preference below).
    "--lang=en-US",
)


def _missing_browser() -> str | None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        return (
            f"{' and '.join(missing)} not installed (make browser-deps installs chromium and chromium-driver)"
        )
    return None


STATIC_ASSETS = (
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/sortablejs/Sortable.min.js",
    "js/app.js",
)


@pytest.fixture(scope="session")
def static_assets(live_server, django_db_blocker) -> None:
    """The live server serves the front-end assets (from node_modules, which
    ``make setup`` fills with ``npm ci``); without them every page would
    look broken and no HTMX request would be sent. The reason of each
    failure is named (its HTTP status, or why it could not connect).

    Asked while the ``browser`` fixture is set up, which can come before the
    test's database fixture: every request the live server answers, a
    static file's too, starts with Django's ``close_old_connections``, which
    touches the test database's connection once earlier tests have opened
    it (a mixed run), and pytest-django's blocker then turns each answer
    into a 500. The check runs with the database unblocked, as the test's
    own requests do."""
    with django_db_blocker.unblock():
        missing = _assets_missing(live_server)
    if missing:
        pytest.fail(f"The live server does not serve {missing}: run `make setup` (npm ci) first.")


def _assets_missing(live_server) -> list[str]:
    missing = []
    for asset in STATIC_ASSETS:
        url = f"{live_server.url}{settings.STATIC_URL}{asset}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the live server)
                if response.status != 200 or not response.read(1):
                    missing.append(f"{asset} ({response.status})")
        except urllib.error.HTTPError as error:
            missing.append(f"{asset} ({error.code})")
        except urllib.error.URLError as error:
            missing.append(f"{asset} ({error.reason})")
    return missing


@pytest.fixture
def browser(request, tmp_path) -> WebDriver:
    """A fresh headless Chromium with an empty profile, 1366×900."""
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests must run in CI: {missing}.")
        pytest.skip(missing)
    request.getfixturevalue("static_assets")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo province (``manage.py load_demo``), committed so that the
    live server's thread sees it."""
    settings.CCHC_ALLOW_DEMO_DATA = True
    call_command("load_demo", stdout=io.StringIO())


# Waiting: always for a condition, never for a fixed time ---------------


def wait(browser: WebDriver, condition: Callable, *, timeout: float = WAIT_SECONDS, message: str = ""):
    """Poll ``condition`` until it is true. An element that HTMX swapped
    out while the condition read it counts as "not yet"."""
    return WebDriverWait(
        browser, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition, message)


def wait_for(browser: WebDriver, css: str, *, timeout: float = WAIT_SECONDS) -> WebElement:
    """The first element matching ``css`` once it is visible."""
    return wait(
        browser,
        EC.visibility_of_element_located((By.CSS_SELECTOR, css)),
        timeout=timeout,
        message=f"No visible element {css!r}",
    )


def wait_clickable(browser: WebDriver, css: str, *, timeout: float = WAIT_SECONDS) -> WebElement:
    return wait(
        browser,
        EC.element_to_be_clickable((By.CSS_SELECTOR, css)),
        timeout=timeout,
        message=f"No clickable element {css!r}",
    )


def wait_url(browser: WebDriver, pattern: str, *, timeout: float = WAIT_SECONDS) -> re.Match:
    """Wait until the current URL matches the regular expression ``pattern``."""
    wait(
        browser,
        lambda driver: re.search(pattern, driver.current_url),
        timeout=timeout,
        message=f"URL never matched {pattern!r}",
    )
    return re.search(pattern, browser.current_url)


def wait_page_ready(browser: WebDriver) -> None:
    """The document is loaded and HTMX (a deferred script) has started."""
    wait(
        browser,
        lambda driver: driver.execute_script(
            "return document.readyState === 'complete' && typeof htmx !== 'undefined'"
        ),
        message="The page did not finish loading, or htmx.min.js did not load",
    )


def gone(element: WebElement):
    """A wait condition: the element has left the document. chromedriver
    sometimes reports that as "Node ... does not belong to the document"
    instead of a stale element (SeleniumHQ/selenium#15401)."""

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return check


def click_and_load(browser: WebDriver, element: WebElement) -> None:
    """Click something that loads a new page, and wait for that page. A
    confirmation the click asks for (publish, submit...) is accepted."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    accept_confirmation(browser)
    wait(browser, gone(old_page), message="Clicking did not load a new page")
    wait_page_ready(browser)


def accept_confirmation(browser: WebDriver) -> str | None:
    """Accept the confirmation dialog the last click opened, if any; its text."""
    try:
        alert = browser.switch_to.alert
        text = alert.text
    except NoAlertPresentException:
        return None
    alert.accept()
    return text


def type_date(browser: WebDriver, field: WebElement, date: datetime.date) -> None:
    """Type ``date`` into an <input type=date> as a user would, in the
    order of Chromium's own locale (mm/dd/yyyy for en-US, dd/mm/yyyy for
    vi), which is the default of Intl, not the Accept-Language of the pages
    (navigator.language)."""
    keys = browser.execute_script(
        "const options = {year: 'numeric', month: '2-digit', day: '2-digit'};"
        "return new Intl.DateTimeFormat(undefined, options)"
        ".format(new Date(arguments[0], arguments[1], arguments[2]))",
        date.year,
        date.month - 1,
        date.day,
    )
    field.send_keys(keys)
    assert field.get_attribute("value") == date.isoformat(), (
        f"typed {keys!r}, the field holds {field.get_attribute('value')!r}"
    )


def texts(browser: WebDriver, css: str) -> list[str]:
    """The rendered texts of the elements matching ``css``, in DOM order,
    read in one script so that a swap cannot happen half-way."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), (e) => e.innerText.trim())", css
    )


def console_errors(browser: WebDriver) -> list[str]:
    """Severe messages of the browser console since the last call (failed
    loads, CSP violations, script errors); the favicon that no page links to
    is not one."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]


def login(browser: WebDriver, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form and wait for the home page."""
    browser.get(f"{live_server.url}/login/")
    wait_page_ready(browser)
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit].w-100"))
    assert "/login/" not in browser.current_url, f"Login of {username!r} failed: {_alert_text(browser)}"
    wait_for(browser, "form[action$='/logout/'] button")


def _alert_text(browser: WebDriver) -> str:
    alerts = texts(browser, ".alert")
    return "; ".join(alerts) or "no message on the page"


# Artifacts of a failure ------------------------------------------------


def save_artifacts(browser: WebDriver, name: str) -> tuple[Path, Path]:
    """A screenshot and the page source of the browser now, under
    var/browser-artifacts/."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150]
    screenshot = ARTIFACTS_DIR / f"{stem}.png"
    source = ARTIFACTS_DIR / f"{stem}.html"
    browser.save_screenshot(str(screenshot))
    source.write_text(browser.page_source, encoding="utf-8")
    return screenshot, source


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    # After "call" the browser is still open; an expected failure (xfail) is
    # kept too, so that the known bug can be looked at.
    if report.when == "call" and call.excinfo is not None and isinstance(driver, WebDriver):
        try:
            screenshot, source = save_artifacts(driver, item.nodeid)
        except Exception as error:  # a dead browser must not hide the failure itself
            text = f"Could not save the browser's state: {error!r}"
        else:
            text = f"URL: {driver.current_url}\nscreenshot: {screenshot}\npage source: {source}"
        report.sections.append(("browser artifacts", text))
        terminal = item.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None and report.failed:
            terminal.write_line(f"\n[browser artifacts] {item.nodeid}\n{text}")
    return report


# Screens: accessibility (axe-core) and fitting the window ---------------

# axe-core from npm (package.json devDependencies), injected by the tests
# only: the app never serves it. Selenium runs it through the DevTools
# protocol, which the pages' CSP does not govern.
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")  # WCAG 2.1 AA
AXE_FAILING_IMPACTS = ("serious", "critical")


def axe_violations(browser: WebDriver) -> list[dict]:
    """The WCAG 2.1 A and AA violations axe-core finds on the page now,
    each with its rule, impact, help text and up to five elements."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make setup` (npm ci) first.")
    browser.set_script_timeout(60)
    browser.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    return browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then((results) => done(results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
          }))))
          .catch((error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
        """,
        list(AXE_TAGS),
    )


def assert_accessible(browser: WebDriver) -> None:
    """No serious or critical WCAG 2.1 AA violation on the page now."""
    failing = [v for v in axe_violations(browser) if v["impact"] in AXE_FAILING_IMPACTS]
    assert not failing, f"axe-core on {browser.current_url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in failing
    )


def assert_fits(browser: WebDriver) -> None:
    """The page does not scroll sideways: wide tables scroll in their own
    box (.table-responsive). The elements sticking out are named."""
    width, inner, wide = browser.execute_script(
        """
        const inner = window.innerWidth;
        const wide = Array.from(document.querySelectorAll("body *"))
          .filter((e) => e.getBoundingClientRect().right > inner + 1 && !e.closest(".table-responsive"))
          .slice(0, 5)
          .map((e) => {
            const right = Math.round(e.getBoundingClientRect().right);
            return `${e.tagName.toLowerCase()}.${e.className} (${right} px)`;
          });
        return [document.documentElement.scrollWidth, inner, wide];
        """
    )
    assert width <= inner, f"{browser.current_url} is {width} px wide in a {inner} px window: {wide}"


def assert_menu_on_one_line(browser: WebDriver) -> None:
    """The top bar is one row (the menu open in full, or collapsed behind its
    button): its visible items share one line, no label breaks over two
    lines ("Kế hoạch kiểm / tra"), and the language menu shows its whole
    choice ("Tiếng Việt", not "Tiếng Việ") inside the window."""
    broken, select_right, select_cut, inner = browser.execute_script(
        """
        const bar = document.querySelector("nav.app-navbar > .container-fluid");
        const brand = bar.querySelector(".navbar-brand").getBoundingClientRect();
        const middle = (brand.top + brand.bottom) / 2;
        const items = Array.from(bar.querySelectorAll(
          ".navbar-brand, .navbar-toggler, form, .nav-link, .navbar-text, .btn"
        )).filter((e) => e.getClientRects().length
          && !e.closest(".navbar-collapse.show, .navbar-collapse.collapsing"));
        const oneLine = (e) => {  // a label, not broken over two lines
          if (e.matches(".navbar-toggler, form")) return true;
          const style = getComputedStyle(e);
          const inside = e.getBoundingClientRect().height
            - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
            - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
          const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
          return inside < line * 1.5;
        };
        const broken = items.filter((e) => {
          const r = e.getBoundingClientRect();
          return r.top > middle || r.bottom < middle || !oneLine(e);
        }).map((e) => e.textContent.trim().replace(/\\s+/g, " ") || e.className);
        const select = bar.querySelector("select[name=language]");
        const style = getComputedStyle(select);
        const context = document.createElement("canvas").getContext("2d");
        context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const needed = context.measureText(select.selectedOptions[0].text).width
          + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        const right = Math.round(select.getBoundingClientRect().right);
        return [broken, right, needed > select.clientWidth + 0.5, innerWidth];
        """
    )
    assert not broken, f"The top bar of {browser.current_url} breaks at {inner} px: {broken} on another line"
    assert select_right <= inner and not select_cut, f"The language menu is cut at {inner} px"

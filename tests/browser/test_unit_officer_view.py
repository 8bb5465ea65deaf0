"""An inspected unit's officer reads its conclusion in a real browser: the
points in the order of the notice, and none of the editing controls."""

import json
import re

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tests.browser.conftest import click_and_load, console_errors, login, texts, wait_clickable

pytestmark = pytest.mark.browser

UNIT_NAME = "Ủy ban nhân dân huyện Duy Xuyên"


def notice_points() -> dict[str, list[str]]:
    """The points of Thông báo 146/TB-ĐKT (seed 000) as the demo file holds
    them, part by part, in the order of the notice."""
    path = settings.BASE_DIR / "fixtures" / "demo_province.json"
    plan = next(
        p for p in json.loads(path.read_text(encoding="utf-8"))["plans"] if p["number"] == "2005/KH-UBND"
    )
    inspection = next(i for i in plan["inspections"] if i["unit"] == "qn-duyxuyen")
    return {kind: [point["text"] for point in points] for kind, points in inspection["findings"].items()}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_unit_officer_reads_the_duy_xuyen_conclusion_without_editing_controls(browser, live_server, demo):
    login(browser, live_server, "officer")

    click_and_load(browser, wait_clickable(browser, "#main-nav a.nav-link[href$='/inspections/']"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, UNIT_NAME))
    assert re.search(r"/inspections/\d+/$", browser.current_url)
    assert UNIT_NAME in browser.find_element(By.TAG_NAME, "h1").text

    expected = notice_points()
    assert expected["achievement"][0].startswith("Ban hành Kế hoạch công tác cải cách hành chính năm 2019")
    for kind, points in expected.items():
        shown = texts(browser, f"#part-{kind} li.finding .finding-text")
        assert [squash(text) for text in shown] == [squash(text) for text in points], kind
    assert texts(browser, "#part-achievement li.finding .finding-text")[0].startswith(
        "Ban hành Kế hoạch công tác cải cách hành chính năm 2019"
    )

    # Reading only: no "Thêm nội dung", no move, edit, delete or task
    # buttons, no paste form and no history panel.
    page = browser.find_element(By.ID, "main")
    assert "Thêm nội dung" not in page.text
    for css in (
        "details.add-finding",
        ".finding-actions",
        ".js-move-up",
        ".js-move-down",
        ".js-edit",
        ".js-delete",
        ".js-make-task",
        ".js-sortable",
        "#paste-area",
        ".js-split",
        "#history",
    ):
        assert browser.find_elements(By.CSS_SELECTOR, css) == [], f"{css} is shown to the unit officer"
    assert console_errors(browser) == []

"""Issue 14 in a real browser: the yearly PAR index from a commune's
self-assessment to the published decision.

UBND xã Hòa Tiến's officer fills the grid with the keyboard (each cell saved
as it is left, the area totals following), attaches evidence files and
writes one explanation for a criterion achieved without evidence; the
commune's chairman submits. The Sở Tư pháp's council member, who appraises
these criteria in every commune, changes two scores with reasons. The Sở Nội
vụ closes round 1, opens round 2 and locks the scores of the scorecard. The
other commune and the survey points are written by code. The Sở Nội vụ then
goes through the cycle's own page: the lock of the whole cycle (after its
confirmation page), the computation (a job: the worker's step is run here by
``job_run``, as the document pipeline's rendering is below), the ranking on
the cycle's page, the decision drafted from there. The leader sees the index
and rank; the decision is issued, rendered (WeasyPrint) and signed (pyHanko,
the demonstration certificate) by the pipeline's own functions; the commune
then sees its detail and the remediation tasks proposed for the criteria
that lost points."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from cchc.documents.services import document_render, document_sign_on_server
from cchc.jobs.run import job_run
from cchc.models import Job, OfficialDocument
from demo.certificate import create_demo_certificate
from inspections.models import RemediationTask
from par import appraisal, assessment
from par.jobs import compute_work
from par.models import Scorecard, SurveyResult
from tests.browser.conftest import (
    click_and_load,
    console_errors,
    login,
    texts,
    wait,
    wait_for,
    wait_url,
)
from tests.browser.test_remediation_journey import make_pdf
from tests.conftest import UploadFiles
from tests.factories import PASSWORD
from tests.par.builders import build_par_world

pytestmark = pytest.mark.browser

GRID = {"1.1": "Đúng hạn", "1.2": "đạt", "1.3": "95", "1.4": "9/10", "2.1": "2"}
POINTS = {"1.1": "1", "1.2": "1", "1.3": "2", "1.4": "1,80", "2.1": "2"}
EXPLANATION = "Báo cáo gửi qua Hệ thống quản lý văn bản, chưa lưu bản giấy."


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    p12, root = create_demo_certificate(
        directory=tmp_path,
        organisation="UBND tỉnh Chỉ Số",
        password="mật-khẩu-thử",
        root_key_path=tmp_path / "demo-root-key.pem",
    )
    settings.CCHC_SIGNING_P12 = p12
    settings.CCHC_SIGNING_P12_DIR = str(tmp_path / "bodies")
    settings.CCHC_SIGNING_P12_PASSWORD = "mật-khẩu-thử"
    settings.CCHC_TRUSTED_ROOTS = [root]
    return build_par_world()


def log_out(browser) -> None:
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/logout/'] button"))
    wait_url(browser, r"/login/")
    browser.delete_all_cookies()


def open_scorecard(browser, name: str) -> None:
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Chỉ số CCHC"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, name))


def row_text(browser, node) -> str:
    return " ".join(texts(browser, f"#node-{node.pk}"))


def other_commune_done(w) -> None:
    """Hòa Phong, the other commune, through the services."""
    officer = w.users.other_officer
    sc = w.other_scorecard
    entries = {
        "1.1": {"level": "Muộn"},
        "1.2": {"yes": True},
        "1.3": {"percent": "80"},
        "1.4": {"numerator": 1, "denominator": 2},
        "2.1": {"points": "2"},
    }
    for code, entered in entries.items():
        item = sc.items.get(node__code=code)
        assessment.item_self_set(item=item, user=officer, entered=entered)
        assessment.evidence_add(item=item, user=officer, upload=UploadFiles().pdf())
    Scorecard.objects.filter(pk=sc.pk).update(status="submitted", submitted_at="2025-12-01T00:00Z")
    for step in ("round1_close", "round2_open"):  # its lock comes with the cycle's
        appraisal.scorecard_step(scorecard=sc, user=w.users.manager, action=step)


def test_commune_self_assesses_is_appraised_locked_ranked_and_published(
    browser, live_server, static_assets, world, tmp_path
):
    w = world
    evidence = make_pdf(tmp_path / "ke-hoach-cchc-2025.pdf")

    # 1. The commune's officer fills the grid with the keyboard.
    login(browser, live_server, w.users.officer.username, PASSWORD)
    open_scorecard(browser, "UBND xã Hòa Tiến")
    first = wait_for(browser, f"#value-{w.nodes['1.1'].pk}")
    first.click()
    for code, value in GRID.items():
        node = w.nodes[code]
        field = wait_for(browser, f"#value-{node.pk}")
        field.send_keys(value, Keys.ENTER)
        wait(
            browser,
            lambda b, node=node, code=code: f"Điểm: {POINTS[code]}" in row_text(b, node),
            message=f"{code} saved",
        )
    # The area total follows (1 + 1 + 2 + 1,8).
    wait(browser, lambda b: "5,80" in " ".join(texts(b, "#area-totals tr[data-area='1'] .area-self")))
    # A score outside the method is refused, what was typed kept.
    node = w.nodes["2.1"]
    field = wait_for(browser, f"#value-{node.pk}")
    # Select what is there and type over it (clear() would send a change of its own).
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("3", Keys.TAB)
    wait(browser, lambda b: "vượt điểm tối đa 2" in row_text(b, node))
    assert browser.find_element(By.CSS_SELECTOR, f"#value-{node.pk}").get_attribute("value") == "3"
    field = browser.find_element(By.CSS_SELECTOR, f"#value-{node.pk}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("2", Keys.TAB)
    wait(browser, lambda b: "Điểm: 2" in row_text(b, node) and "vượt" not in row_text(b, node))

    # Evidence files on four criteria, cited by page.
    for code in ("1.1", "1.3", "1.4", "2.1"):
        node = w.nodes[code]
        row = wait_for(browser, f"#node-{node.pk}")
        row.find_element(By.XPATH, ".//summary[contains(., 'Thêm tài liệu kiểm chứng')]").click()
        browser.find_element(By.CSS_SELECTOR, f"#file-{node.pk}").send_keys(str(evidence))
        browser.find_element(By.CSS_SELECTOR, f"#cited-{node.pk}").send_keys("Mục II, trang 3")
        click_and_load(browser, row.find_element(By.CSS_SELECTOR, ".evidence-form button[type=submit]"))
        wait(browser, lambda b, node=node: "ke-hoach-cchc-2025.pdf" in row_text(b, node))
    # One explanation: 1.2 achieved without evidence.
    node = w.nodes["1.2"]
    assert "phải giải trình" in row_text(browser, node)
    box = browser.find_element(By.CSS_SELECTOR, f"#explanation-{node.pk}")
    box.send_keys(EXPLANATION)
    browser.find_element(By.TAG_NAME, "h1").click()
    wait(browser, lambda b: "phải giải trình" not in row_text(b, node))
    log_out(browser)

    # 2. The chairman submits (after the confirmation).
    login(browser, live_server, w.users.head.username, PASSWORD)
    open_scorecard(browser, "UBND xã Hòa Tiến")
    click_and_load(browser, wait_for(browser, "#submit-scorecard"))
    assert "Đã gửi, chờ thẩm định" in " ".join(texts(browser, ".scorecard-status"))
    assert not browser.find_elements(By.CSS_SELECTOR, f"#value-{w.nodes['2.1'].pk}.grid-input")
    log_out(browser)

    # 3. The Sở Tư pháp's council member changes two scores with reasons.
    login(browser, live_server, w.users.appraiser.username, PASSWORD)
    wait_url(browser, r"/chi-so-cchc/appraisal/")
    for code, points, reason in (
        ("2.1", "1", "Chưa niêm yết đủ 3 thủ tục lĩnh vực hộ tịch."),
        ("1.3", "1", "Kế hoạch kiểm tra thực hiện đạt 85%, không phải 95%."),
    ):
        item = w.item(code)
        row = wait_for(browser, f"#item-{item.pk}")
        points_field = row.find_element(By.CSS_SELECTOR, f"#points-{item.pk}")
        points_field.send_keys(Keys.CONTROL, "a")
        points_field.send_keys(points)
        row.find_element(By.CSS_SELECTOR, f"#reason-{item.pk}").send_keys(reason)
        click_and_load(browser, row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        wait(browser, lambda b, item=item, reason=reason: reason in " ".join(texts(b, f"#item-{item.pk}")))
    log_out(browser)

    # 4. The Sở Nội vụ: round 1 closed, round 2 opened, scores locked.
    login(browser, live_server, w.users.manager.username, PASSWORD)
    browser.get(f"{live_server.url}/chi-so-cchc/scorecards/{w.scorecard.pk}/")
    assert w.cycle.name in " ".join(texts(browser, ".breadcrumb"))
    for button in ("Kết thúc vòng 1", "Mở thẩm định vòng 2", "Chốt điểm"):
        click_and_load(browser, browser.find_element(By.XPATH, f"//button[contains(., '{button}')]"))
    assert "Đã chốt điểm" in " ".join(texts(browser, ".scorecard-status"))
    item = w.item("2.1")
    assert (item.self_score, item.round1_score) == (2, 1) and item.round1_reason

    # The other commune and the survey points, by code.
    other_commune_done(w)
    for scorecard in (w.scorecard, w.other_scorecard):
        SurveyResult.objects.create(cycle=w.cycle, unit=scorecard.unit, node=w.nodes["2.2"], points=2)

    # 5. The Sở Nội vụ locks the whole cycle from its page, after the confirmation.
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Chỉ số CCHC"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, w.cycle.name))
    progress = " ".join(texts(browser, "#cycle-progress"))
    assert "Đang thẩm định vòng 2: 1" in progress and "Đã chốt điểm: 1" in progress
    click_and_load(browser, wait_for(browser, "#cycle-lock"))
    assert "Chốt điểm cả đợt đánh giá" in " ".join(texts(browser, "h1"))
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "#cycle-lock-form button[type=submit]"))
    wait_url(browser, rf"/chi-so-cchc/dot-danh-gia/{w.cycle.pk}/$")
    assert "Đã chốt điểm cả đợt (1 phiếu)" in " ".join(texts(browser, ".alert"))
    assert "Đã chốt điểm" in " ".join(texts(browser, "#cycle-status"))
    # The computation: a job, its worker step run here, then its card leads to the results.
    click_and_load(
        browser, browser.find_element(By.XPATH, "//button[contains(., 'Tính chỉ số và xếp hạng')]")
    )
    wait_url(browser, r"/jobs/\d+/")
    job_run(Job.objects.get(kind="par_results_compute").pk, compute_work)
    browser.refresh()
    click_and_load(browser, wait_for(browser, "a[href$='#cycle-results']"))
    ranking = " ".join(texts(browser, "#cycle-results"))
    # Hòa Tiến: (1 + 1 + 1 + 1,8 + 1 + 2 survey) / 10 = 78 %; Hòa Phong: (0,5+1+1+1+2+2)/10 = 75 %.
    assert "xã Hòa Tiến" in ranking and "78,00" in ranking and "75,00" in ranking
    first_row = " ".join(texts(browser, "#cycle-results tbody tr:first-child"))
    assert first_row.split()[0] == "1" and "xã Hòa Tiến" in first_row
    log_out(browser)

    # 6. The leader sees the index and the rank.
    login(browser, live_server, w.users.leader.username, PASSWORD)
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Chỉ số CCHC"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Kết quả, xếp hạng"))
    ranking = " ".join(texts(browser, "table"))
    assert "UBND xã Hòa Tiến" in ranking and "78,00" in ranking and "75,00" in ranking
    log_out(browser)

    # The Sở Nội vụ drafts the decision from the cycle's page, issues it; rendered and signed.
    login(browser, live_server, w.users.manager.username, PASSWORD)
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Chỉ số CCHC"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, w.cycle.name))
    click_and_load(browser, wait_for(browser, "#decision-draft"))
    wait_url(browser, r"/documents/\d+/")
    click_and_load(browser, wait_for(browser, ".js-issue"))
    document = OfficialDocument.objects.get(kind="par_decision")
    assert document.number
    document_render(document_id=document.pk)
    document_sign_on_server(document_id=document.pk)
    browser.refresh()
    wait_for(browser, ".js-signed-file")
    log_out(browser)

    # 7. The commune sees its detail and its remediation tasks.
    login(browser, live_server, w.users.officer.username, PASSWORD)
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Chỉ số CCHC"))
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Kết quả"))
    detail = " ".join(texts(browser, "main"))
    assert "78,00%" in detail and "Xếp hạng" in detail
    tasks = RemediationTask.objects.filter(source_document=document, responsible_unit=w.commune)
    assert tasks.count() == 2  # areas 1 and 2 lost points
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Nhiệm vụ của đơn vị"))
    home = " ".join(texts(browser, "main"))
    assert "Khắc phục các tiêu chí bị trừ điểm trong Chỉ số CCHC năm 2025" in home
    assert not console_errors(browser)
    assert Path(evidence).exists()

"""Quiet tools (issue 16, item 8): third-party banners and progress logs
only with LOG_LEVEL=DEBUG; the admin's lock-out records in Vietnamese."""

import logging
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

from cchc.documents.pdf import render_pdf


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_no_axes_banner_unless_debug():
    quiet = manage("check", LOG_LEVEL="INFO")
    assert "AXES" not in quiet.stdout + quiet.stderr
    loud = manage("check", LOG_LEVEL="DEBUG")
    assert "AXES: BEGIN" in loud.stdout + loud.stderr


def test_weasyprint_says_nothing_while_rendering(caplog):
    with caplog.at_level(logging.DEBUG):
        pdf = render_pdf("<p>Thông báo kết luận</p>")
    assert pdf.startswith(b"%PDF-")
    chatter = [r.getMessage() for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))]
    assert chatter == []


def test_the_admin_names_the_lock_out_records_in_vietnamese():
    from axes.models import AccessAttempt

    with translation.override("vi"):
        assert str(AccessAttempt._meta.verbose_name_plural) == "Các lần đăng nhập"
        from django.apps import apps

        assert str(apps.get_app_config("axes").verbose_name) == "Chống dò mật khẩu"
        assert translation.gettext("Show counts") == "Hiện số lượng"


def test_every_page_has_a_favicon(client, db):
    from django.contrib.staticfiles import finders

    page = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    drawn = Path(finders.find("favicon.svg")).read_text(encoding="utf-8")
    assert drawn.startswith("<svg") and "<title>CCHC</title>" in drawn

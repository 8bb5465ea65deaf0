import subprocess

import pytest
from django.core.management import CommandError, call_command

from cchc.models import OfficialDocument


def test_the_notice_of_an_inspection_renders_as_a_draft_preview_and_is_never_signed(
    inspection,
    signing_files,
    tmp_path,
):
    out = tmp_path / "tb.pdf"
    call_command("render_document", "--inspection", str(inspection.pk), "--out", str(out))
    assert not OfficialDocument.objects.exists()  # a preview saves nothing
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "THÔNG BÁO" in text and "DỰ THẢO" in text
    assert "Ban hành kế hoạch CCHC năm 2025 đúng hạn." in text
    # A draft is never signed, by the UI or the command line.
    signed = tmp_path / "signed.pdf"
    with pytest.raises(CommandError, match="dự thảo"):
        call_command("render_document", "--inspection", str(inspection.pk), "--sign", "--out", str(signed))
    assert not signed.exists()


def test_it_needs_a_document_or_an_inspection(db):
    with pytest.raises(CommandError, match="một trong hai"):
        call_command("render_document")
    with pytest.raises(CommandError, match="Không có cuộc kiểm tra mã 999"):
        call_command("render_document", "--inspection", "999")

"""Vietnamese unless the user chose English (issue 16, item 5).

The browser's Accept-Language is never read: an English browser gets the
Vietnamese pages. A signed-in user's choice is kept on the user, so it
follows them to another browser. The public verification page, reached
from the QR code of a printed document, always opens in Vietnamese, with a
switch."""

import datetime

import pytest
from django.test import Client

from cchc.choices import DocumentKind, DocumentStatus
from cchc.models import OfficialDocument

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.fixture
def published(units):
    return OfficialDocument.objects.create(
        kind=DocumentKind.CONCLUSION_NOTICE,
        status=DocumentStatus.PUBLISHED,
        issuing_unit=units.province,
        register_series=f"unit:{units.province.pk}",
        issuing_body="ĐOÀN KIỂM TRA",
        type_code="TB",
        symbol="ĐKT",
        number=1,
        year=2024,
        issued_on=datetime.date(2024, 7, 5),
        place="Quảng Nam",
        summary="Thông báo kết luận",
        signer_position="TRƯỞNG ĐOÀN",
        signer_name="Lê Ngọc Quảng",
    )


def test_an_english_browser_gets_the_login_page_in_vietnamese(client, db):
    response = client.get("/login/", **ENGLISH_BROWSER)
    assert html_lang(response) == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_the_choice_is_kept_on_the_user_and_follows_them(client, officer_a):
    client.force_login(officer_a)
    assert html_lang(client.get("/notifications/", **ENGLISH_BROWSER)) == "vi"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.language == "en"
    # Another browser, without the cookie, a Vietnamese one: still English.
    other = Client()
    other.force_login(officer_a)
    assert html_lang(other.get("/notifications/", HTTP_ACCEPT_LANGUAGE="vi")) == "en"
    other.post("/i18n/setlang/", {"language": "vi", "next": "/notifications/"})
    officer_a.refresh_from_db()
    assert officer_a.language == "vi"


def test_a_new_user_reads_vietnamese(officer_a):
    assert officer_a.language == "vi"


def test_the_verification_page_opens_in_vietnamese_with_a_switch(client, published):
    url = f"/verify/{published.verification_code}/"
    client.cookies["django_language"] = "en"
    response = client.get(url, **ENGLISH_BROWSER)
    assert html_lang(response) == "vi"
    page = response.content.decode()
    assert "Tra cứu văn bản" in page and 'href="?lang=en"' in page
    english = client.get(f"{url}?lang=en", **ENGLISH_BROWSER)
    assert html_lang(english) == "en" and 'href="?lang=vi"' in english.content.decode()
    # The language menu on that page switches through the address.
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response["Location"] == f"{url}?lang=en"

"""Hostile requests refused before any view reads them (issue 15): control
characters and overlong numbers (a 400 in Vietnamese), per-address rate
limits on the verification page and the login form (a 429 with the wait in
words), and the verification upload's size (a 413 before the body is
read). Every refusal is logged with the address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.ratelimit import rate_limit_reset
from cchc.text import duration_words, whole_number

pytestmark = pytest.mark.django_db

VERIFY = "/verify/ABCDEFGHJK/"


def security_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "cchc.security"]


class TestControlCharacters:
    def test_a_nul_byte_in_the_public_verification_address_is_a_400(self, client, caplog):
        # Issue 15: a 500 on PostgreSQL, which cannot hold a NUL byte.
        response = client.get("/verify/ABC%00DEF/", REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 400
        assert "ký tự điều khiển không hợp lệ" in response.content.decode()
        assert any("10.1.2.3" in line for line in security_lines(caplog))

    def test_a_nul_byte_in_the_dashboard_list_text_filter_is_a_400(self, client, leader):
        # Issue 15: the text filter reached the database.
        client.force_login(leader)
        response = client.get(reverse("dashboards:finding_list"), {"text": "a\x00b"})
        assert response.status_code == 400
        assert "(ở text)" in response.content.decode()

    @pytest.mark.parametrize("value", ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb"])
    def test_control_characters_in_a_form_field_are_a_400(self, client, value):
        response = client.post(reverse("login"), {"username": value, "password": "x"})
        assert response.status_code == 400

    def test_tabs_and_line_breaks_in_a_form_field_pass(self, client):
        response = client.post(reverse("login"), {"username": "a\tb\r\nc", "password": "x"})
        assert response.status_code == 200  # the form's own error: a wrong password

    def test_a_field_name_with_a_control_character_is_a_400(self, client):
        response = client.post(reverse("login"), {"user\x00name": "a", "password": "x"})
        assert response.status_code == 400

    def test_the_refusal_is_in_vietnamese(self, client):
        # The middleware runs before the language is chosen: Vietnamese, the default.
        response = client.get("/verify/ABC%01/")
        assert "Dữ liệu gửi lên" in response.content.decode()


class TestLongNumbers:
    @pytest.mark.parametrize("value", ["9" * 20, "-" + "9" * 20, "9" * 5_000, " 9" + "0" * 30])
    def test_a_number_longer_than_the_database_holds_is_a_400(self, client, value):
        response = client.get(reverse("login"), {"next": value})
        assert response.status_code == 400
        assert "quá dài" in response.content.decode()

    def test_a_number_of_19_digits_passes(self, client):
        assert client.get(reverse("login"), {"next": "9" * 19}).status_code == 200

    def test_a_long_text_with_digits_passes(self, client):
        assert client.get(reverse("login"), {"next": "so " + "9" * 30}).status_code == 200


class TestRateLimits:
    @pytest.fixture(autouse=True)
    def small_limits(self, settings):
        settings.CCHC_RATE_LIMITS = {"verify": (3, 60), "verify_upload": (2, 3600), "login": (2, 60)}
        for address in ("10.0.0.1", "10.0.0.2"):
            rate_limit_reset(address)

    def test_the_verification_page_is_limited_per_address(self, client, caplog):
        answers = [client.get(VERIFY, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        # Another address is counted apart.
        assert client.get(VERIFY, REMOTE_ADDR="10.0.0.2").status_code == 404
        refused = client.get(VERIFY, REMOTE_ADDR="10.0.0.1")
        assert "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau" in refused.content.decode()
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert any("verify" in line and "10.0.0.1" in line for line in security_lines(caplog))

    def test_uploads_to_the_verification_page_have_their_own_limit(self, client):
        upload = {"file": SimpleUploadedFile("ban.pdf", b"%PDF-1.7")}
        first = [client.post(VERIFY, upload, REMOTE_ADDR="10.0.0.1").status_code for _ in range(2)]
        assert first == [404, 404]
        again = {"file": SimpleUploadedFile("ban.pdf", b"%PDF-1.7")}
        refused = client.post(VERIFY, again, REMOTE_ADDR="10.0.0.1")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 60
        # Reading the page is counted apart.
        assert client.get(VERIFY, REMOTE_ADDR="10.0.0.1").status_code == 404

    def test_the_login_form_is_limited_per_address(self, client, officer_a, caplog):
        from tests.factories import PASSWORD

        for _ in range(2):
            client.post(reverse("login"), {"username": "ai-do", "password": "x"}, REMOTE_ADDR="10.0.0.1")
        refused = client.post(
            reverse("login"), {"username": officer_a.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
        # Showing the form is not counted.
        assert client.get(reverse("login"), REMOTE_ADDR="10.0.0.1").status_code == 200
        assert any("login" in line and "10.0.0.1" in line for line in security_lines(caplog))

    def test_the_admin_login_is_limited_with_the_login_form(self, client):
        for _ in range(2):
            client.post(reverse("login"), {"username": "ai-do", "password": "x"}, REMOTE_ADDR="10.0.0.1")
        response = client.post(
            reverse("admin:login"), {"username": "ai-do", "password": "x"}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 429


class TestVerificationUploadSize:
    def test_an_upload_larger_than_any_issued_pdf_is_refused_before_reading(self, client, settings, caplog):
        # Issue 15: the public page took a 100 MB anonymous upload.
        settings.CCHC_VERIFY_UPLOAD_MAX_BYTES = 1024 * 1024
        response = client.post(
            VERIFY,
            data=b"",
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(100 * 1024 * 1024),
            REMOTE_ADDR="10.4.4.4",
        )
        assert response.status_code == 413
        assert "văn bản do hệ thống phát hành không lớn hơn 1,0 MB" in response.content.decode()
        assert any("10.4.4.4" in line for line in security_lines(caplog))

    def test_the_default_limit_is_well_under_the_request_limit(self, settings):
        assert settings.CCHC_VERIFY_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
        assert settings.CCHC_VERIFY_UPLOAD_MAX_BYTES < settings.CCHC_REQUEST_MAX_MB * 1024 * 1024

    def test_an_upload_within_the_limit_reaches_the_view(self, client, settings):
        settings.CCHC_VERIFY_UPLOAD_MAX_BYTES = 1024 * 1024
        response = client.post(VERIFY, {"file": SimpleUploadedFile("ban.pdf", b"%PDF-1.7")})
        assert response.status_code == 404  # no such document: the view ran

    def test_other_uploads_keep_the_request_limit(self, client, settings):
        settings.CCHC_VERIFY_UPLOAD_MAX_BYTES = 10
        response = client.post(reverse("login"), {"username": "a" * 50, "password": "x"})
        assert response.status_code == 200


class TestHelpers:
    @pytest.mark.parametrize(
        ("seconds", "words"),
        [(900, "15 phút"), (5400, "1 giờ 30 phút"), (45, "45 giây"), (0, "0 giây"), (3600, "1 giờ")],
    )
    def test_a_wait_in_words(self, seconds, words):
        assert duration_words(seconds) == words

    @pytest.mark.parametrize(
        ("text", "number"),
        [("12", 12), ("0", 0), ("²", None), ("9" * 19, None), ("-1", None), ("", None), (None, None)],
    )
    def test_a_whole_number_or_none(self, text, number):
        assert whole_number(text) == number


class TestHostileCookies:
    """A session or CSRF cookie with a NUL byte or another control character
    (issue 15): on PostgreSQL the session lookup failed with a 500. The
    cookie is dropped as if never sent; run on PostgreSQL and SQLite."""

    @pytest.mark.parametrize("value", ["abcdefgh\x00ijklmnop", "abcdefgh\x01\x1b\x7fijkl", "\x00" * 32])
    @pytest.mark.parametrize("cookie", ["sessionid", "csrftoken"])
    def test_a_cookie_with_control_characters_is_dropped(self, client, caplog, cookie, value):
        response = client.get(reverse("login"), HTTP_COOKIE=f"{cookie}={value}", REMOTE_ADDR="10.9.8.7")
        assert response.status_code == 200
        assert 'name="username"' in response.content.decode()
        assert any("Dropped cookie" in line and "10.9.8.7" in line for line in security_lines(caplog))

    def test_a_bad_session_cookie_on_a_signed_in_page_asks_to_sign_in(self, client):
        response = client.get(reverse("inspections:unit_home"), HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_a_post_with_a_bad_csrf_cookie_is_refused_by_the_csrf_check(self):
        from django.test import Client

        csrf_client = Client(enforce_csrf_checks=True)
        response = csrf_client.post(
            reverse("login"),
            {"username": "a", "password": "b", "csrfmiddlewaretoken": "x" * 64},
            HTTP_COOKIE="csrftoken=abcdefgh\x00ijklmnopqrstuvwxyzabcdefgh",
        )
        assert response.status_code == 403

    def test_good_cookies_beside_a_bad_one_are_kept(self, client, leader):
        client.force_login(leader)
        session = client.cookies["sessionid"].value
        response = client.get(
            reverse("inspections:unit_home"), HTTP_COOKIE=f"sessionid={session}; other=a\x00b"
        )
        assert response.status_code == 200

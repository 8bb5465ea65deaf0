"""Central sign-in against a real OpenID Connect provider.

The provider is the django-oauth-toolkit project of ``tests/oidc_provider``,
run in its own process (``oidc_provider``). A sign-in here is the whole
authorization-code flow: the test client starts it at cchc, a plain HTTP
session plays the browser at the provider (its login form, its authorization
endpoint), and the test client takes the provider's redirect back to cchc's
callback, where cchc exchanges the code at the provider's token endpoint and
checks the signed ID token against the provider's keys."""

from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from cchc.choices import Role
from cchc.models import Membership
from cchc.oidc import ProviderBackend
from tests.factories import PASSWORD
from tests.oidc_provider.process import KNOWN, STRANGER

pytestmark = pytest.mark.django_db

User = get_user_model()
LOGIN_URL = reverse("login")
START_URL = reverse("oidc_authentication_init")
CALLBACK_URL = reverse("oidc_authentication_callback")
BUTTON = "Đăng nhập bằng tài khoản một cửa của tỉnh"


@pytest.fixture
def known(make_member, units):
    """The cchc user the provider's ``an.nguyen`` stands for (same e-mail,
    another user name, another case)."""
    return make_member(
        Role.UNIT_OFFICER, units.district_a, username="nguyen.an", email=KNOWN["email"].upper()
    )


def sign_in_at_provider(client, person: dict, *, start_query: str = ""):
    """The authorization-code flow from cchc's button to cchc's callback;
    returns the callback's response."""
    started = client.get(START_URL + start_query)
    assert started.status_code == 302, started
    authorize_url = started["Location"]
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    login_url = urljoin(authorize_url, answer.headers["Location"])
    browser.get(login_url, timeout=10).raise_for_status()
    answer = browser.post(
        login_url,
        data={
            "username": person["username"],
            "password": person["password"],
            "csrfmiddlewaretoken": browser.cookies["op_csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text[:500]
    answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    callback = urlsplit(answer.headers["Location"])
    assert (callback.netloc, callback.path) == ("testserver", CALLBACK_URL), callback
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def follow_message(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    page = client.get(LOGIN_URL)
    assert page.status_code == 200
    return page.content.decode()


class TestWithoutIssuer:
    def test_the_login_page_is_the_password_form(self, client, settings):
        assert settings.CCHC_OIDC_ISSUER == ""
        page = client.get(LOGIN_URL).content.decode()
        assert 'name="password"' in page
        assert BUTTON not in page

    def test_the_sign_in_urls_do_not_exist(self, client):
        assert client.get(START_URL).status_code == 404
        assert client.get(CALLBACK_URL, {"code": "x", "state": "y"}).status_code == 404


class TestSignIn:
    def test_the_login_page_offers_both(self, client, oidc_settings):
        page = client.get(LOGIN_URL).content.decode()
        assert BUTTON in page
        assert f'href="{START_URL}"' in page
        assert 'name="password"' in page

    def test_a_known_email_signs_in_its_user_and_changes_nothing(self, client, oidc_settings, known):
        users, memberships = (
            User.objects.count(),
            list(Membership.objects.values_list("user", "unit", "role")),
        )

        response = sign_in_at_provider(client, KNOWN)

        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert signed_in_user(client) == known
        assert client.session["_auth_user_backend"] == "cchc.oidc.ProviderBackend"
        assert User.objects.count() == users
        assert list(Membership.objects.values_list("user", "unit", "role")) == memberships
        known.refresh_from_db()
        assert (known.username, known.email) == ("nguyen.an", KNOWN["email"].upper())
        # The session works for the pages the user's role opens.
        assert client.get(reverse("home")).status_code in (200, 302)

    def test_next_is_kept_through_the_provider(self, client, oidc_settings, known):
        target = reverse("notifications")
        response = sign_in_at_provider(client, KNOWN, start_query=f"?next={target}")
        assert response["Location"] == target

    def test_an_unknown_email_is_refused_with_a_message_and_not_created(self, client, oidc_settings, units):
        users, memberships = User.objects.count(), Membership.objects.count()

        response = sign_in_at_provider(client, STRANGER)

        page = follow_message(client, response)
        assert "chưa được cấp quyền sử dụng hệ thống CCHC" in page
        assert STRANGER["email"] in page
        assert signed_in_user(client) is None
        assert User.objects.count() == users
        assert Membership.objects.count() == memberships
        assert not User.objects.filter(email__iexact=STRANGER["email"]).exists()

    def test_a_configured_identifier_maps_the_user_name(self, client, oidc_settings, make_member, units):
        oidc_settings.CCHC_OIDC_CLAIM = "preferred_username"
        oidc_settings.CCHC_OIDC_USER_FIELD = "username"
        # Matched by user name; the e-mail is another, so it cannot be what matched.
        user = make_member(Role.LEADER, units.district_b, username=STRANGER["username"], email="khac@x.vn")

        sign_in_at_provider(client, STRANGER)

        assert signed_in_user(client) == user

    def test_a_deactivated_user_is_refused(self, client, oidc_settings, known):
        known.is_active = False
        known.save()

        page = follow_message(client, sign_in_at_provider(client, KNOWN))

        assert "đã bị khóa" in page
        assert signed_in_user(client) is None

    def test_two_users_with_the_email_are_refused(self, client, oidc_settings, known, make_member, units):
        make_member(Role.LEADER, units.district_b, username="an.nguyen.2", email=KNOWN["email"])

        page = follow_message(client, sign_in_at_provider(client, KNOWN))

        assert "Có nhiều tài khoản" in page
        assert signed_in_user(client) is None


class TestRefusals:
    def test_a_callback_without_a_started_sign_in_is_refused_with_a_message(self, client, oidc_settings):
        response = client.get(CALLBACK_URL, {"code": "forged", "state": "forged"})
        assert "không hợp lệ hoặc đã hết hạn" in follow_message(client, response)

    def test_a_forged_state_is_refused_with_a_message(self, client, oidc_settings):
        client.get(START_URL)
        response = client.get(CALLBACK_URL, {"code": "forged", "state": "forged"})
        assert "không hợp lệ hoặc đã hết hạn" in follow_message(client, response)

    def test_a_forged_code_is_refused_at_the_provider(self, client, oidc_settings):
        started = client.get(START_URL)
        state = dict(part.split("=", 1) for part in urlsplit(started["Location"]).query.split("&"))["state"]
        response = client.get(CALLBACK_URL, {"code": "forged", "state": state})
        # The provider refuses the code at its token endpoint (400 invalid_grant).
        assert "không hợp lệ hoặc đã hết hạn" in follow_message(client, response)
        assert signed_in_user(client) is None

    def test_the_provider_saying_no_is_a_message(self, client, oidc_settings):
        client.get(START_URL)
        response = client.get(CALLBACK_URL, {"error": "access_denied", "state": "x"})
        assert "bị hủy hoặc bị từ chối" in follow_message(client, response)

    def test_an_unreachable_provider_is_a_message(self, client, settings, oidc_settings):
        settings.CCHC_OIDC_ISSUER = "http://127.0.0.1:9/o"
        response = client.get(START_URL)
        assert "Không kết nối được với hệ thống đăng nhập một cửa" in follow_message(client, response)

    def test_the_backend_never_creates_a_user(self):
        with pytest.raises(SuspiciousOperation):
            ProviderBackend().create_user({"email": "ai@quangnam.gov.vn"})
        assert not User.objects.filter(email="ai@quangnam.gov.vn").exists()


class TestLocalLogin:
    def test_passwords_still_work_beside_the_provider(self, client, oidc_settings, officer_a):
        response = client.post(LOGIN_URL, {"username": officer_a.username, "password": PASSWORD})
        assert response.status_code == 302
        assert signed_in_user(client) == officer_a

    def test_off_hides_the_form_and_refuses_a_password(self, client, oidc_settings, officer_a):
        oidc_settings.CCHC_LOCAL_LOGIN = False
        page = client.get(LOGIN_URL).content.decode()
        assert BUTTON in page
        assert 'name="password"' not in page

        response = client.post(LOGIN_URL, {"username": officer_a.username, "password": PASSWORD})

        assert response.status_code == 403
        assert "Đăng nhập bằng mật khẩu đã được tắt" in response.content.decode()
        assert signed_in_user(client) is None
        # Nor through the admin's login form.
        officer_a.is_staff = True
        officer_a.save()
        client.post(reverse("admin:login"), {"username": officer_a.username, "password": PASSWORD})
        assert signed_in_user(client) is None

    def test_off_still_lets_the_provider_sign_in(self, client, oidc_settings, known):
        oidc_settings.CCHC_LOCAL_LOGIN = False
        sign_in_at_provider(client, KNOWN)
        assert signed_in_user(client) == known

    def test_failures_still_lock_a_password_login(self, client, oidc_settings, officer_a, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(LOGIN_URL, {"username": officer_a.username, "password": "sai-mat-khau"})
        response = client.post(LOGIN_URL, {"username": officer_a.username, "password": PASSWORD})
        assert response.status_code == 429
        assert signed_in_user(client) is None


class TestIdToken:
    @pytest.fixture
    def real_id_token(self, client, oidc_settings, known, monkeypatch):
        """The ID token the provider really issued in a sign-in, and its nonce."""
        seen = []
        verify = ProviderBackend.verify_token

        def keep(backend, token, **kwargs):
            seen.append((token, kwargs.get("nonce")))
            return verify(backend, token, **kwargs)

        monkeypatch.setattr(ProviderBackend, "verify_token", keep)
        sign_in_at_provider(client, KNOWN)
        assert signed_in_user(client) == known
        monkeypatch.setattr(ProviderBackend, "verify_token", verify)
        return seen[0]

    def test_the_real_token_passes(self, real_id_token):
        token, nonce = real_id_token
        assert ProviderBackend().verify_token(token, nonce=nonce)["aud"] in (
            "cchc-test-client",
            ["cchc-test-client"],
        )

    def test_a_token_made_for_another_client_is_refused(self, real_id_token, oidc_settings):
        token, nonce = real_id_token
        oidc_settings.CCHC_OIDC_CLIENT_ID = "another-client"
        with pytest.raises(SuspiciousOperation, match="not issued to this client"):
            ProviderBackend().verify_token(token, nonce=nonce)

    def test_a_replayed_token_with_another_nonce_is_refused(self, real_id_token):
        token, _nonce = real_id_token
        with pytest.raises(SuspiciousOperation, match="Nonce"):
            ProviderBackend().verify_token(token, nonce="another-nonce")


class TestThrottling:
    def test_refused_sign_ins_through_the_provider_lock_no_one_out(
        self, client, oidc_settings, known, settings
    ):
        # Everyone of an office may come from one address: people the
        # provider vouched for but cchc does not know must not lock the
        # others out (the provider throttles its own passwords).
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            sign_in_at_provider(client, STRANGER)
        response = sign_in_at_provider(client, KNOWN)
        assert response.status_code == 302
        assert signed_in_user(client) == known

"""Central sign-in: OpenID Connect with the province's identity provider.

mozilla-django-oidc runs the authorization-code flow (state, nonce, PKCE,
the token exchange, the ID token's signature against the provider's keys);
this module fits it to cchc:

- its settings come from the ``CCHC_OIDC_*`` settings (``oidc_setting``),
  and the provider's endpoints from its discovery document
  (``provider_metadata``, cached), so that nothing is read or fetched while
  no issuer is set, and a password login never reaches the provider;
- ``ProviderBackend`` finds the existing user whose ``CCHC_OIDC_USER_FIELD``
  equals the claim ``CCHC_OIDC_CLAIM``. It never creates a user and never
  gives a role or a membership from claims: who may do what stays in cchc;
- ``SignInStartView`` and ``SignInCallbackView`` answer 404 while no issuer
  is set; a refusal (unknown user, provider down, a stale or forged answer)
  comes back to the login page with a message saying why.
"""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")

# Why a sign-in was refused: set on the request by the backend, read by the callback.
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
INACTIVE = "inactive"
NO_CLAIM = "no_claim"
UNVERIFIED = "unverified"
DENIED = "denied"
UNAVAILABLE = "unavailable"
INVALID = "invalid"


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read, or is not the issuer's."""


def oidc_enabled() -> bool:
    return bool(settings.CCHC_OIDC_ISSUER)


def _issuer() -> str:
    return settings.CCHC_OIDC_ISSUER.rstrip("/")


def provider_metadata() -> dict:
    """The issuer's discovery document, read once and cached for
    ``CCHC_OIDC_DISCOVERY_CACHE_SECONDS``. Raises ``ProviderUnavailable``."""
    issuer = _issuer()
    key = "cchc:oidc:metadata:" + hashlib.sha256(issuer.encode()).hexdigest()
    metadata = cache.get(key)
    if metadata is not None:
        return metadata
    try:
        response = requests.get(issuer + DISCOVERY_PATH, timeout=settings.CCHC_OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{issuer}{DISCOVERY_PATH}: {error}") from error
    if not isinstance(metadata, dict) or str(metadata.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"{issuer}{DISCOVERY_PATH} is not the discovery document of {issuer}")
    missing = [name for name in REQUIRED_ENDPOINTS if not metadata.get(name)]
    if missing:
        raise ProviderUnavailable(f"{issuer}{DISCOVERY_PATH} lacks {', '.join(missing)}")
    cache.set(key, metadata, settings.CCHC_OIDC_DISCOVERY_CACHE_SECONDS)
    return metadata


def oidc_setting(attr: str, *default):
    """The setting mozilla-django-oidc asks for, from cchc's own settings
    (read at each call, so that a test's settings apply)."""
    fixed = {
        "OIDC_RP_CLIENT_ID": lambda: settings.CCHC_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": lambda: settings.CCHC_OIDC_CLIENT_SECRET,
        "OIDC_RP_SIGN_ALGO": lambda: settings.CCHC_OIDC_SIGN_ALGO,
        "OIDC_RP_SCOPES": lambda: settings.CCHC_OIDC_SCOPES,
        "OIDC_RP_IDP_SIGN_KEY": lambda: None,
        "OIDC_TIMEOUT": lambda: settings.CCHC_OIDC_TIMEOUT,
        "OIDC_USE_NONCE": lambda: True,
        "OIDC_USE_PKCE": lambda: True,
        "OIDC_CREATE_USER": lambda: False,
        "OIDC_STORE_ACCESS_TOKEN": lambda: False,
        "OIDC_STORE_ID_TOKEN": lambda: False,
        "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "oidc_authentication_callback",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: provider_metadata()["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": lambda: provider_metadata()["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": lambda: provider_metadata()["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": lambda: provider_metadata()["jwks_uri"],
    }
    if attr in fixed:
        return fixed[attr]()
    return import_from_settings(attr, *default)


def _refuse(request, reason: str, detail: str = "") -> None:
    request.cchc_oidc_refusal = (reason, detail)
    logger.warning("Central sign-in refused (%s) %s", reason, detail)


class ProviderBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active user through the provider's answer.

    It takes part only in the callback's ``authenticate(request, nonce=...,
    code_verifier=...)``: a password login's credentials do not fit its
    signature, so Django skips it there."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Constructed for every authentication and session lookup: nothing is
        # read from the provider here, the endpoints are read on first use.
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: oidc_setting("OIDC_RP_CLIENT_ID"))
    OIDC_RP_CLIENT_SECRET = property(lambda self: oidc_setting("OIDC_RP_CLIENT_SECRET"))
    OIDC_RP_SIGN_ALGO = property(lambda self: oidc_setting("OIDC_RP_SIGN_ALGO"))
    OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, *, nonce, code_verifier):
        if request is None or not oidc_enabled():
            return None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def verify_token(self, token, **kwargs):
        """The signature and nonce (the library's check), and also that the
        token is the configured issuer's and made for this client."""
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != _issuer():
            raise SuspiciousOperation("The ID token is not from the configured issuer.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.CCHC_OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was not issued to this client.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The one existing user the claims name, or None (the reason is
        left on the request). Never creates one, never changes one."""
        claims = self.get_userinfo(access_token, id_token, payload)
        claim, field = settings.CCHC_OIDC_CLAIM, settings.CCHC_OIDC_USER_FIELD
        value = claims.get(claim)
        if not isinstance(value, str) or not value.strip():
            _refuse(self.request, NO_CLAIM, claim)
            return None
        value = value.strip()
        if claim == "email" and claims.get("email_verified") is False:
            _refuse(self.request, UNVERIFIED, value)
            return None
        lookup = f"{field}__iexact" if field == "email" else field
        users = list(self.UserModel._default_manager.filter(**{lookup: value})[:2])
        if not users:
            _refuse(self.request, UNKNOWN, value)
            return None
        if len(users) > 1:
            _refuse(self.request, AMBIGUOUS, value)
            return None
        if not users[0].is_active:
            _refuse(self.request, INACTIVE, value)
            return None
        return users[0]

    def create_user(self, claims):
        raise SuspiciousOperation("cchc never creates a user from the provider's claims.")

    def update_user(self, user, claims):
        # Nothing of the claims is written: names, roles and memberships are cchc's.
        return user

    def get_user(self, user_id):
        # The library's would keep a deactivated user signed in.
        return ModelBackend.get_user(self, user_id)


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The library reads the endpoint here; it is read in get(), after the checks.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            logger.warning("Central sign-in unavailable: %s", error)
            messages.error(request, refusal_message(UNAVAILABLE))
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.CCHC_OIDC_CLIENT_ID
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: signs the user in, or back to the login page
    with the reason."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        if request.GET.get("error"):
            _refuse(request, DENIED, request.GET.get("error", "")[:100])
        try:
            return super().get(request)
        except ProviderUnavailable as error:
            _refuse(request, UNAVAILABLE, str(error))
        except requests.HTTPError as error:
            # The provider answered: a 4xx refuses this code (stale, replayed, forged).
            status = error.response.status_code if error.response is not None else 500
            _refuse(request, INVALID if 400 <= status < 500 else UNAVAILABLE, str(error)[:300])
        except requests.RequestException as error:
            _refuse(request, UNAVAILABLE, str(error)[:300])
        except (SuspiciousOperation, jwt.InvalidTokenError, ValueError, KeyError, TypeError) as error:
            _refuse(request, INVALID, repr(error)[:300])
        return self.login_failure()

    def login_failure(self):
        reason, detail = getattr(self.request, "cchc_oidc_refusal", (INVALID, ""))
        messages.error(self.request, refusal_message(reason, detail))
        return redirect("login")


def refusal_message(reason: str, detail: str = "") -> str:
    if reason == UNKNOWN:
        return _(
            "Tài khoản một cửa %(account)s chưa được cấp quyền sử dụng hệ thống CCHC. "
            "Đề nghị liên hệ quản trị viên của đơn vị để được tạo tài khoản."
        ) % {"account": detail}
    if reason == AMBIGUOUS:
        return _(
            "Có nhiều tài khoản trong hệ thống CCHC cùng ứng với tài khoản một cửa %(account)s. "
            "Đề nghị liên hệ quản trị viên."
        ) % {"account": detail}
    if reason == INACTIVE:
        return _("Tài khoản %(account)s trong hệ thống CCHC đã bị khóa. Đề nghị liên hệ quản trị viên.") % {
            "account": detail
        }
    if reason == NO_CLAIM:
        return _(
            "Hệ thống đăng nhập một cửa không cho biết thông tin để đối chiếu tài khoản (%(claim)s). "
            "Đề nghị liên hệ quản trị viên."
        ) % {"claim": detail}
    if reason == UNVERIFIED:
        return _("Địa chỉ thư điện tử %(account)s chưa được hệ thống đăng nhập một cửa xác thực.") % {
            "account": detail
        }
    if reason == DENIED:
        return _("Đăng nhập bằng tài khoản một cửa đã bị hủy hoặc bị từ chối.")
    if reason == UNAVAILABLE:
        return _("Không kết nối được với hệ thống đăng nhập một cửa của tỉnh. Vui lòng thử lại sau.")
    return _("Phiên đăng nhập một cửa không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.")

"""Session lifetime: an idle limit and an absolute limit.

Django's own expiry slides with every save of the session, so the time of
login and of the last request are kept in the session and checked here.
"""

import logging
import re
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

log = logging.getLogger("cchc.security")

LOGIN_AT = "cchc_login_at"
SEEN_AT = "cchc_seen_at"


@receiver(user_logged_in, dispatch_uid="cchc_remember_login_time")
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            if (
                now - seen_at > settings.SESSION_IDLE_TIMEOUT
                or now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."))
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute, so that most requests do not save
            # the session.
            if now - seen_at >= 60 or SEEN_AT not in request.session:
                request.session[SEEN_AT] = now
                request.session.setdefault(LOGIN_AT, now)
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse, before anything reads it, a request body larger than any
    upload the app takes (``CCHC_REQUEST_MAX_MB``: a whole remediation
    report's files and the form around them). Django keeps uploads above
    2 MB in temporary files: without a limit, one public form (the
    verification page) would let anyone fill the server's disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.CCHC_REQUEST_MAX_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            log.warning("Body of %s bytes refused (limit %s) from %s", length, limit, client_address(request))
            message = _("Dữ liệu gửi lên quá lớn (%(size)s MB); tối đa %(limit)s MB mỗi lần gửi.") % {
                "size": round(length / 1024 / 1024, 1),
                "limit": settings.CCHC_REQUEST_MAX_MB,
            }
            return refusal(request, message, status=413)
        limit = settings.CCHC_VERIFY_UPLOAD_MAX_BYTES
        if request.method == "POST" and length > limit:
            try:
                verify = resolve(request.path_info).view_name == "verify"
            except Resolver404:
                verify = False
            if verify:
                log.warning(
                    "Verification upload of %s bytes refused (limit %s) from %s",
                    length,
                    limit,
                    client_address(request),
                )
                message = _(
                    "Tệp gửi lên quá lớn (%(size)s MB): văn bản do hệ thống phát hành "
                    "không lớn hơn %(limit)s MB."
                ) % {"size": _megabytes(length), "limit": _megabytes(limit)}
                return refusal(request, message, status=413)
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def client_address(request) -> str:
    """The client's address as the login throttling sees it (behind
    ``AXES_PROXY_COUNT`` proxies): one rule for lock-outs, rate limits and
    the log lines of every refusal."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "?"


def refusal(request, message: str, *, status: int, headers: dict | None = None) -> HttpResponse:
    """A short page that says why the request was refused: before any view
    ran, so without the site's layout, and before the language is chosen,
    so in Vietnamese."""
    return HttpResponse(
        f'<!DOCTYPE html><meta charset="utf-8"><title>{status}</title><p>{escape(message)}</p>',
        status=status,
        content_type="text/html; charset=utf-8",
        headers=headers,
    )


# No address, query or form field the app reads holds these: NUL (which
# PostgreSQL cannot store) and the other C0 control characters and DEL; a
# form field may hold tab, line feed and carriage return.
_CONTROL_IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_FIELD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# No whole number the app reads has more digits than the database's largest
# integer (9 223 372 036 854 775 807); Python refuses to read more than
# 4 300 digits at all.
MAX_DIGITS = 19
_LONG_NUMBER = re.compile(rf"^\s*[-+]?\d{{{MAX_DIGITS + 1},}}\s*$")


class HostileInputMiddleware:
    """Refuse with a 400, before any view reads them, the characters and
    numbers no field of the app can hold: control characters in the
    address, the query or a form field, and whole numbers longer than any
    the database stores. One defence for every view, the admin included;
    the views and forms still refuse what is wrong for their own fields
    (a date that does not exist, a count too large) with a form error.

    A cookie with a control character (a session or CSRF cookie with a NUL
    byte, which PostgreSQL refuses in the session lookup) is dropped, as if
    the browser had not sent it: the visitor gets a fresh session and CSRF
    cookie rather than an error page they cannot get past, since the
    browser sends the same cookie again with every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.drop_bad_cookies(request)
        problem = self.problem(request)
        if problem:
            where, name = problem
            log.warning(
                "Refused %s %s from %s: %s in %r",
                request.method,
                request.path_info.encode("unicode_escape").decode(),
                client_address(request),
                where,
                name,
            )
            if where == "number":
                message = _(
                    "Số ghi ở trường “%(name)s” quá dài: không có số nào của hệ thống "
                    "dài hơn %(digits)s chữ số."
                ) % {
                    "name": name,
                    "digits": MAX_DIGITS,
                }
            else:
                message = _(
                    "Dữ liệu gửi lên có ký tự điều khiển không hợp lệ (ở %(where)s). "
                    "Vui lòng quay lại, xóa ký tự đó rồi gửi lại."
                ) % {"where": name}
            return refusal(request, message, status=400)
        return self.get_response(request)

    @staticmethod
    def drop_bad_cookies(request) -> None:
        bad = [
            name
            for name, value in request.COOKIES.items()
            if _CONTROL_IN_ADDRESS.search(name) or _CONTROL_IN_ADDRESS.search(value)
        ]
        for name in bad:
            log.warning(
                "Dropped cookie %r with control characters on %s %s from %s",
                name.encode("unicode_escape").decode(),
                request.method,
                request.path_info.encode("unicode_escape").decode(),
                client_address(request),
            )
            del request.COOKIES[name]

    @staticmethod
    def problem(request) -> tuple[str, str] | None:
        if _CONTROL_IN_ADDRESS.search(request.path_info):
            return "control", _("địa chỉ trang")
        for name, value in request.GET.lists():
            for item in value:
                if _CONTROL_IN_ADDRESS.search(name) or _CONTROL_IN_ADDRESS.search(item):
                    return "control", name
                if _LONG_NUMBER.match(item):
                    return "number", name
        if request.method == "POST":
            for name, value in request.POST.lists():
                for item in value:
                    if _CONTROL_IN_FIELD.search(name) or _CONTROL_IN_FIELD.search(item):
                        return "control", name
                    if _LONG_NUMBER.match(item):
                        return "number", name
        return None


class LanguageMiddleware:
    """The language of the pages: Vietnamese unless the user chose English.

    A signed-in user's choice is kept on the user (``User.language``); an
    anonymous visitor's (the login page) in the language cookie that the
    language menu sets. The browser's Accept-Language is never read, so an
    English browser still gets Vietnamese. The public verification pages,
    reached from a QR code, always open in Vietnamese; their switch is the
    ``lang`` query parameter."""

    PUBLIC_PREFIX = "/verify/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.choose(request)
        request.LANGUAGE_CODE = language
        # The language of this request only: the thread's is restored after.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    @classmethod
    def choose(cls, request) -> str:
        codes = {code for code, _name in settings.LANGUAGES}
        if request.path.startswith(cls.PUBLIC_PREFIX):
            asked = request.GET.get("lang", "")
            return asked if asked in codes else settings.LANGUAGE_CODE
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user.language if user.language in codes else settings.LANGUAGE_CODE
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return cookie if cookie in codes else settings.LANGUAGE_CODE

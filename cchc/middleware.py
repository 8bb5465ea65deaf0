"""Session lifetime: an idle limit and an absolute limit.

Django's own expiry slides with every save of the session, so the time of
login and of the last request are kept in the session and checked here.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

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
            message = _("Dữ liệu gửi lên quá lớn (%(size)s MB); tối đa %(limit)s MB mỗi lần gửi.") % {
                "size": round(length / 1024 / 1024, 1),
                "limit": settings.CCHC_REQUEST_MAX_MB,
            }
            return HttpResponse(
                f'<!DOCTYPE html><meta charset="utf-8"><title>413</title><p>{escape(message)}</p>',
                status=413,
                content_type="text/html; charset=utf-8",
            )
        return self.get_response(request)


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

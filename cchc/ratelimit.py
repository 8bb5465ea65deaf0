"""Per-address rate limits on the public and login endpoints.

A few lines over the cache (Redis in production, so every web process
counts together): each limited request adds one to a counter for its
address in the current fixed window; past the limit the request is
answered 429, with ``Retry-After`` and the wait in words, and the refusal
is logged with the address. The limits are declared once, in
``CCHC_RATE_LIMITS`` (settings): the scope of each URL name and method is
declared here, in ``LIMITED``."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .middleware import client_address, refusal
from .text import duration_words

log = logging.getLogger("cchc.security")

# (URL name, method) -> the scope whose limit applies.
LIMITED = {
    ("verify", "GET"): "verify",
    ("verify", "POST"): "verify_upload",
    ("login", "POST"): "login",
    ("admin:login", "POST"): "login",
}


def _key(scope: str, address: str, window: int) -> str:
    return f"ratelimit:{scope}:{address}:{window}"


def rate_limit_hit(scope: str, address: str) -> int | None:
    """Count one request of ``address`` under ``scope``: ``None`` while it is
    within the limit, else the seconds until the window ends."""
    limit = settings.CCHC_RATE_LIMITS.get(scope)
    if not limit:
        return None
    count, seconds = limit
    now = time.time()
    window = int(now // seconds)
    key = _key(scope, address, window)
    cache.add(key, 0, timeout=seconds + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 1)
        hits = 1
    if hits <= count:
        return None
    return max(1, int((window + 1) * seconds - now))


def rate_limit_reset(address: str) -> None:
    """Forget ``address``'s requests in the current windows (an office
    unblocked by hand; tests)."""
    now = time.time()
    for scope, (_count, seconds) in settings.CCHC_RATE_LIMITS.items():
        cache.delete(_key(scope, address, int(now // seconds)))


class RateLimitMiddleware:
    """Answer 429, before the view reads the body, the requests of an
    address over its limit on a URL of ``LIMITED``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = self.scope(request)
        if scope:
            address = client_address(request)
            wait = rate_limit_hit(scope, address)
            if wait is not None:
                log.warning(
                    "Rate limit %s exceeded by %s (%s %s); %s s to wait",
                    scope,
                    address,
                    request.method,
                    request.path_info,
                    wait,
                )
                message = _("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(wait)s.") % {
                    "wait": duration_words(wait)
                }
                return refusal(request, message, status=429, headers={"Retry-After": str(wait)})
        return self.get_response(request)

    @staticmethod
    def scope(request) -> str | None:
        if not settings.CCHC_RATE_LIMITS:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return LIMITED.get((match.view_name, request.method))

"""The login page and the local passwords.

The page offers the province's central sign-in when an issuer is set
(``cchc.oidc``) and the password form while ``CCHC_LOCAL_LOGIN`` is on. With
local login off, ``LocalPasswordBackend`` accepts no password anywhere (the
login page, the admin's), and the page refuses a password POST with a
message."""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _

from .middleware import client_address
from .oidc import oidc_enabled
from .text import duration_words

log = logging.getLogger("cchc.security")


class LocalPasswordBackend(ModelBackend):
    """Django's user name and password, while local login is on; the
    permissions of every signed-in user in any case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.CCHC_LOCAL_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc_enabled()
        context["local_login"] = settings.CCHC_LOCAL_LOGIN
        return context

    def post(self, request, *args, **kwargs):
        if settings.CCHC_LOCAL_LOGIN:
            return super().post(request, *args, **kwargs)
        context = self.get_context_data(
            local_login_refused=_(
                "Đăng nhập bằng mật khẩu đã được tắt. Hãy đăng nhập bằng tài khoản một cửa của tỉnh."
            )
        )
        return self.render_to_response(context, status=403)


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The user name django-axes counts failures under (its
    ``AXES_USERNAME_CALLABLE``). A password login: the name typed. A sign-in
    through the provider carries no name cchc could count (the provider
    throttles its own passwords): each attempt counts apart, under its
    state, so that people cchc does not know, coming from an office's one
    address, lock no one out."""
    if credentials and "nonce" in credentials:
        return OIDC_PREFIX + request.GET.get("state", "")[:100]
    if credentials:
        return credentials.get("username")
    return request.POST.get("username")


OIDC_PREFIX = "oidc:"


class LockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler, counting failures two ways
    (``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``):

    - by account, from any address: ``AXES_FAILURE_LIMIT`` failures lock the
      account, so that moving to another address gains nothing;
    - by address, across accounts: ``CCHC_LOGIN_ADDRESS_FAILURE_LIMIT``
      failures lock the address (password spraying: a few guesses at each of
      many accounts). Higher than the account's limit, since an office's
      people reach the app from one address. Refused sign-ins through the
      provider (``oidc:``, one apart each) do not count here.

    Axes compares one number with ``AXES_FAILURE_LIMIT``: an address over its
    own limit counts as an account at its limit."""

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)
        account = self._sum(by_account)
        address = self._sum(by_address.exclude(username__startswith=OIDC_PREFIX))
        if address >= settings.CCHC_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(account, settings.AXES_FAILURE_LIMIT)
        return account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears its own account's failures
        (``AXES_RESET_ON_SUCCESS``), never its address's: else a sprayer
        holding one valid account would wipe the address's count with it."""
        by_account, _by_address = self.filter_user_attempts(request, credentials)
        count, _kinds = by_account.delete()
        return count

    @staticmethod
    def _sum(attempts) -> int:
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_response(request, original_response=None, credentials=None):
    """The page of a locked-out login (``AXES_LOCKOUT_CALLABLE``): the wait
    in words ("15 phút", not axes's "PT15M"), and a log line with the
    address."""
    username = get_client_username(request, credentials) or ""
    log.warning("Login locked out: user name %r from %s", username[:150], client_address(request))
    cool_off = get_cool_off(request)
    context = {"wait": duration_words(cool_off.total_seconds()) if cool_off else ""}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)

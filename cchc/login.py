"""The login page and the local passwords.

The page offers the province's central sign-in when an issuer is set
(``cchc.oidc``) and the password form while ``CCHC_LOCAL_LOGIN`` is on. With
local login off, ``LocalPasswordBackend`` accepts no password anywhere (the
login page, the admin's), and the page refuses a password POST with a
message."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _

from .oidc import oidc_enabled


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
        return "oidc:" + request.GET.get("state", "")[:100]
    if credentials:
        return credentials.get("username")
    return request.POST.get("username")

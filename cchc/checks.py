"""System checks of the kernel's settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}  # noqa: S104 - names compared, not bound


@register(Tags.security, deploy=True)
def public_url_check(app_configs, **kwargs):
    """``CCHC_PUBLIC_URL`` is printed under the QR code of every issued
    document: in production it must be set to the site's public https
    address, never the loopback default."""
    url = settings.CCHC_PUBLIC_URL
    parts = urlsplit(url)
    if parts.scheme != "https" or (parts.hostname or "") in LOOPBACK_HOSTS:
        return [
            Warning(
                f"CCHC_PUBLIC_URL is {url!r}: issued documents would print this address under their QR code.",
                hint="Set CCHC_PUBLIC_URL to the public https address of the site, e.g. https://cchc.example.gov.vn.",
                id="cchc.W001",
            )
        ]
    return []

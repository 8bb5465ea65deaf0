"""HTML to PDF: the one module that uses WeasyPrint.

WeasyPrint is imported inside the functions, so the web process and the
tests that never render a PDF do not pay for loading it (Pango, HarfBuzz,
fontconfig).

What a rendered page may load is closed: the app's own static files
(found by the staticfiles finders, or in ``STATIC_ROOT`` after
``collectstatic``) and ``data:`` URIs (the QR code). Everything else
(``file://``, ``http(s)://`` to any host, other schemes) is refused, which
WeasyPrint logs and skips, so a document can neither read the server's disk
nor make the server call out.

Fonts come from a known place: npm packages installed from the registry
and served as static files under ``vendor/fonts/``. Tinos (metric-
compatible with Times New Roman, whole font files) is the document face;
Noto Serif (Fontsource's subsets) backs it up for any character Tinos
lacks. Both are declared here for every
render, whatever the HTML, so no PDF depends on the fonts of the machine.
"""

from __future__ import annotations

import atexit
import functools
import logging
import mimetypes
import posixpath
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join

# Relative and root-relative URLs in the HTML ("/static/official/official.css")
# are resolved against this origin. The ``.invalid`` top-level domain is
# reserved (RFC 2606): it never resolves, and the fetcher below serves it
# from disk without any network access.
BASE_URL = "https://cchc-static.invalid/"

# The document face: Tinos (metric-compatible with Times New Roman) in whole
# font files, one per face, from the Google Fonts release packaged on npm
# (@expo-google-fonts/tinos). Whole files, not subsets: with the latin,
# latin-ext and vietnamese subsets as separate fonts, every Vietnamese word
# split into runs of two or three fonts, which Pango shaped one by one (a
# fifth of a notice's render time), and WeasyPrint embedded up to three
# fonts per face.
TINOS_FILES = {
    (400, "normal"): "400Regular/Tinos_400Regular.ttf",
    (400, "italic"): "400Regular_Italic/Tinos_400Regular_Italic.ttf",
    (700, "normal"): "700Bold/Tinos_700Bold.ttf",
    (700, "italic"): "700Bold_Italic/Tinos_700Bold_Italic.ttf",
}
FONT_FACES = tuple(TINOS_FILES)

# Noto Serif backs Tinos up for any character Tinos lacks, from Fontsource's
# subsets with their Unicode ranges. Each subset is declared under a family
# name of its own ("Noto Serif", "Noto Serif Vietnamese", "Noto Serif Latin
# Ext"): WeasyPrint keys the fonts it embeds by family, weight and style, not
# by file, so three files of one family would share one key and their glyphs
# would be mixed up in the PDF.
FONT_SUBSETS = {
    "vietnamese": (
        "U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,"
        "U+0300-0301,U+0303-0304,U+0308-0309,U+0323,U+0329,U+1EA0-1EF9,U+20AB"
    ),
    "latin-ext": (
        "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,"
        "U+0329,U+1D00-1DBF,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,"
        "U+2113,U+2C60-2C7F,U+A720-A7FF"
    ),
    "latin": (
        "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,"
        "U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,"
        "U+FEFF,U+FFFD"
    ),
}
SUBSET_FAMILY = {"vietnamese": "{} Vietnamese", "latin-ext": "{} Latin Ext", "latin": "{}"}
FALLBACK_FAMILY, FALLBACK_FOLDER = "Noto Serif", "noto-serif"
FONT_STACK = ", ".join(
    ['"Tinos"']
    + [
        f'"{SUBSET_FAMILY[subset].format(FALLBACK_FAMILY)}"'
        for subset in ("latin", "vietnamese", "latin-ext")
    ]
    + ['"Times New Roman"', "serif"]
)


class URLRefused(ValueError):
    """A URL the PDF renderer will not load."""


def font_face_css() -> str:
    """``@font-face`` rules: Tinos (regular, italic, bold, bold italic) in
    whole TrueType files, and Noto Serif behind it in the vietnamese,
    latin-ext and latin subsets, WOFF first (WeasyPrint unpacks WOFF with
    zlib, whereas WOFF2 goes through fontTools' pure-Python decoder, some
    100 ms a file on the first render of each process)."""
    static = settings.STATIC_URL
    rules = [
        "@font-face {"
        f' font-family: "Tinos"; font-style: {style}; font-weight: {weight};'
        f' src: url("{static}vendor/fonts/tinos/{path}") format("truetype"); }}'
        for (weight, style), path in TINOS_FILES.items()
    ]
    for weight, style in FONT_FACES:
        for subset, unicode_range in FONT_SUBSETS.items():
            stem = f"{static}vendor/fonts/{FALLBACK_FOLDER}/{FALLBACK_FOLDER}-{subset}-{weight}-{style}"
            name = SUBSET_FAMILY[subset].format(FALLBACK_FAMILY)
            rules.append(
                "@font-face {"
                f' font-family: "{name}"; font-style: {style}; font-weight: {weight};'
                f' src: url("{stem}.woff") format("woff"), url("{stem}.woff2") format("woff2");'
                f" unicode-range: {unicode_range}; }}"
            )
    return "\n".join(rules)


def _static_prefix() -> str:
    """The URL prefix of static files as the renderer sees them:
    ``STATIC_URL`` when it is absolute, else ``STATIC_URL`` under
    :data:`BASE_URL`. Either way the files are read from disk."""
    static_url = settings.STATIC_URL
    if urlsplit(static_url).scheme:
        return static_url
    return BASE_URL.rstrip("/") + "/" + static_url.lstrip("/")


# Static path and STATIC_ROOT -> file found. Only hits are kept, so a file
# added while the process runs is found on the next render.
_found: dict[tuple[str, str], str] = {}


def _find_static(relative: str, static_root: str) -> str | None:
    """The file of a static path: through the finders (the app's static
    folders and the vendored packages), then in ``STATIC_ROOT``."""
    key = (relative, static_root)
    if key in _found:
        return _found[key]
    found = finders.find(relative)
    if isinstance(found, list):
        found = found[0] if found else None
    if not found and static_root:
        try:
            candidate = Path(safe_join(static_root, relative))
        except SuspiciousFileOperation:
            return None
        found = str(candidate) if candidate.is_file() else None
    if found:
        _found[key] = str(found)
    return found and str(found)


def static_path(url: str) -> Path:
    """The file on disk that a static URL names, or :class:`URLRefused`.

    Only URLs under the static prefix qualify; the path may not leave the
    static folders ("..", encoded or not)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise URLRefused(f"Không tải tài nguyên ngoài ứng dụng: {url}")
    bare = f"{parts.scheme}://{parts.netloc}{parts.path}"
    prefix = _static_prefix()
    if not bare.startswith(prefix):
        raise URLRefused(f"Không tải tài nguyên ngoài ứng dụng: {url}")
    relative = unquote(bare[len(prefix) :])
    normalised = posixpath.normpath(relative)
    if not relative or normalised.startswith(("..", "/")) or "\\" in relative or "\x00" in relative:
        raise URLRefused(f"Đường dẫn tệp tĩnh không hợp lệ: {url}")
    found = _find_static(normalised, str(settings.STATIC_ROOT or ""))
    if found is None:
        raise URLRefused(f"Không có tệp tĩnh: {url}")
    return Path(found)


def fetch_static(url: str) -> tuple[bytes, str]:
    """The bytes and media type a page may load from ``url``: a static file
    of the app, or a ``data:`` URI. Anything else raises
    :class:`URLRefused`."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        from urllib.request import urlopen

        # urllib decodes data: URIs itself (DataHandler), with no I/O.
        with urlopen(url) as response:  # noqa: S310 - the scheme is checked above
            return response.read(), response.headers.get_content_type()
    path = static_path(url)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.read_bytes(), media_type


@functools.cache
def _fetcher_class():
    """The WeasyPrint URL fetcher that only serves :func:`fetch_static`,
    built on first use so that WeasyPrint is imported lazily."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves the app's static files and ``data:`` URIs; refuses the
        rest (WeasyPrint logs the refusal and leaves the resource out)."""

        def fetch(self, url, headers=None):
            # A refusal propagates: WeasyPrint logs it (with the URL and the
            # reason) and renders the page without the resource.
            body, media_type = fetch_static(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return StaticOnlyURLFetcher


def url_fetcher():
    """A new URL fetcher for WeasyPrint (see :func:`fetch_static`)."""
    return _fetcher_class()()


# WeasyPrint's font configuration (fontconfig and Pango state, with the
# @font-face files decoded once) and the parsed font stylesheet are the slow
# part of a first render; they are kept per thread (WeasyPrint's objects are
# not meant to be shared between threads), which in the prefork worker and
# the web process means once per process.
_local = threading.local()


# Loggers that report every step of every render at INFO (WeasyPrint's
# progress, fontTools decoding each WOFF2 file): quieted to WARNING unless the
# LOGGING setting gave them a level of their own.
CHATTY_LOGGERS = ("weasyprint.progress", "fontTools.ttLib.woff2", "fontTools.subset")


def _quiet_chatty_loggers() -> None:
    for name in CHATTY_LOGGERS:
        chatty = logging.getLogger(name)
        if chatty.level == logging.NOTSET:
            chatty.setLevel(logging.WARNING)


def _forget_fonts() -> None:
    """Drop this thread's font configuration while the interpreter is still
    whole (WeasyPrint cleans its temporary font folder when it goes)."""
    _local.__dict__.pop("fonts", None)


def _font_setup():
    setup = getattr(_local, "fonts", None)
    if setup is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _quiet_chatty_loggers()
        font_config = FontConfiguration()
        stylesheet = CSS(
            string=font_face_css(), base_url=BASE_URL, url_fetcher=url_fetcher(), font_config=font_config
        )
        setup = _local.fonts = (font_config, stylesheet)
        if threading.current_thread() is threading.main_thread():
            atexit.register(_forget_fonts)
    return setup


def _stylesheet(relative: str):
    """The parsed stylesheet of the static file ``relative``, kept per
    thread beside the fonts and parsed again only when the file changes:
    parsing ``official.css`` is a quarter of a notice's render time."""
    from weasyprint import CSS

    path = static_path(_static_prefix() + relative)
    key = (str(path), path.stat().st_mtime_ns)
    cache = _local.__dict__.setdefault("stylesheets", {})
    stylesheet = cache.get(key)
    if stylesheet is None:
        font_config, _font_stylesheet = _font_setup()
        stylesheet = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=_static_prefix() + relative,
            url_fetcher=url_fetcher(),
            font_config=font_config,
        )
        for stale in [k for k in cache if k[0] == key[0]]:
            del cache[stale]
        cache[key] = stylesheet
    return stylesheet


def render_pdf(html: str, stylesheets: Sequence[str] = ()) -> bytes:
    """The PDF of ``html``. Relative and root-relative URLs in it resolve
    to the app's static files; nothing else is loaded. ``stylesheets`` are
    static paths applied as if linked from the HTML (after the fonts),
    parsed once per process rather than once per render."""
    from weasyprint import HTML

    font_config, font_stylesheet = _font_setup()
    sheets = [font_stylesheet, *(_stylesheet(relative) for relative in stylesheets)]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=sheets, font_config=font_config)

"""Text helpers for Vietnamese."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ``text`` without diacritics, so that "duy xuyen" matches
    "Duy Xuyên" and "d" matches "đ" (which Unicode does not decompose)."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


_NOT_NAME = re.compile(r"[^A-Za-z0-9.]+")


def ascii_name(text: str) -> str:
    """``text`` as an ASCII-safe file name stem, its case kept and its
    Vietnamese letters folded ("01/TB-ĐKT" gives "01-TB-DKT"): every other
    character becomes a hyphen."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_NAME.sub("-", stripped).strip("-.")


def duration_words(seconds: float) -> str:
    """A wait in words ("15 phút", "1 giờ 30 phút", "45 giây"), never an
    ISO 8601 duration ("PT15M")."""
    from django.utils.translation import ngettext

    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes})
    if secs or not parts:
        parts.append(ngettext("%(n)s giây", "%(n)s giây", secs) % {"n": secs})
    return " ".join(parts)


_WHOLE = re.compile(r"[0-9]{1,18}")


def whole_number(text) -> int | None:
    """``text`` as a non-negative whole number of at most 18 ASCII digits
    (an id, a version, a count the database can hold), else ``None``.
    ``str.isdigit`` is no test: it is true of "²" and of 5,000 digits, which
    ``int`` refuses."""
    text = str(text or "")
    return int(text) if _WHOLE.fullmatch(text) else None

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

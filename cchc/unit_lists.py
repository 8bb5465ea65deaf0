"""The official lists of administrative units, read from two packages and
checked against each other.

- ``vietnam-provinces`` (GPL-3.0-or-later; data from the statistics office's
  list of new units) holds today's 34 provinces and 3,321 communes, wards
  and special zones with their codes.
- ``vietnamadminunits`` (MIT) holds the tree before 1 July 2025 (63
  provinces, their districts and communes, with codes) and the 2025
  conversion table from old communes to new ones, keyed by folded names.

Both are read as data files through their installed location: neither
package is imported (``vietnamadminunits`` imports a geometry stack on
import that a loader does not need).

``read_national_list`` gives one ``NationalList``: today's units where both
packages agree on code, name and province; the old tree; the links from
old units to new ones; and ``problems``, one line for each unit left out
because the two packages disagree or a mapping is missing. Nothing is
guessed: a unit with a problem is not in the list, and neither is an old
commune whose successor is not.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .choices import SuccessionKind, UnitKind

#: The last day of the districts and of the provinces and communes merged
#: in 2025; their successors exist from the next day.
LAST_DAY_2025 = datetime.date(2025, 6, 30)
FIRST_DAY_2025 = datetime.date(2025, 7, 1)

# The type words that open a unit's name in the lists, longest first.
TYPE_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Huyện", "Quận", "Tỉnh", "Phường", "Xã")

# Tone marks written on the first vowel of "oa", "oe", "uy" (the older
# style, "Hoà", "Thuỷ") moved to the second ("Hòa", "Thủy"), so that the
# two packages' spellings of one name compare equal.
_OLD_TONES = re.compile(
    r"([oO])([\u0300\u0301\u0303\u0309\u0323])([aeAE])|([uU])([\u0300\u0301\u0303\u0309\u0323])([yY])"
)


def _modern_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)

    def move(match: re.Match) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return unicodedata.normalize("NFC", _OLD_TONES.sub(move, decomposed))


def clean_name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def same_name(a: str, b: str) -> bool:
    return _modern_tones(clean_name(a)).casefold() == _modern_tones(clean_name(b)).casefold()


def split_type(name: str) -> tuple[str, str]:
    """ "Huyện Duy Xuyên" -> ("huyện", "Duy Xuyên")."""
    name = clean_name(name)
    for word in TYPE_WORDS:
        if name.startswith(word + " "):
            return word.lower(), name[len(word) + 1 :]
    return "", name


@dataclass(frozen=True)
class ListedUnit:
    """A unit as the lists give it: its official code, its name with its type
    word ("Xã Duy Nghĩa"), its kind and the code of its parent in the same list."""

    code: str
    name: str
    kind: str
    parent_code: str = ""

    @property
    def type_word(self) -> str:
        return split_type(self.name)[0]

    @property
    def place(self) -> str:
        return split_type(self.name)[1]

    @property
    def body_name(self) -> str:
        """The name of its people's committee: "Ủy ban nhân dân xã Duy Nghĩa"."""
        return f"Ủy ban nhân dân {self.type_word} {self.place}".replace("  ", " ")

    @property
    def body_short_name(self) -> str:
        return f"UBND {self.type_word} {self.place}".replace("  ", " ")


@dataclass(frozen=True)
class Link:
    """A succession from an old unit (by its code in the old list) to a new
    one (by its code in today's list)."""

    former_code: str
    code: str
    kind: str
    level: str  # "province", "district" or "commune": the old unit's level


@dataclass
class NationalList:
    version: str
    provinces: dict[str, ListedUnit] = field(default_factory=dict)
    communes: dict[str, ListedUnit] = field(default_factory=dict)
    former_provinces: dict[str, ListedUnit] = field(default_factory=dict)
    former_districts: dict[str, ListedUnit] = field(default_factory=dict)
    former_communes: dict[str, ListedUnit] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    # (code of today's province concerned, or "" for all, message)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # The codes of today's provinces each old province went into.
    province_of_former: dict[str, str] = field(default_factory=dict)

    def problem(self, province: str, message: str) -> None:
        self.problems.append((province, message))

    def former_provinces_of(self, code: str) -> list[str]:
        return sorted(old for old, new in self.province_of_former.items() if new == code)

    def province_codes(self) -> list[str]:
        return sorted(self.provinces)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"Thiếu gói {name}: hãy cài theo requirements.txt.")
    return Path(next(iter(spec.submodule_search_locations)))


def _pad(code: str | int | None, width: int) -> str:
    if code is None or str(code).strip() == "":
        return ""
    return str(int(code)).zfill(width)


def _province_short(name: str) -> str:
    return split_type(name)[1]


@cache
def read_national_list() -> NationalList:
    """Read both packages and reconcile them (kept for the process: the
    data only change with the packages)."""
    versions = [
        f"{name} {importlib.metadata.version(name)}" for name in ("vietnam-provinces", "vietnamadminunits")
    ]
    national = NationalList(version=" + ".join(versions))
    provinces_dir = _package_dir("vietnam_provinces")
    units_dir = _package_dir("vietnamadminunits")
    nested = json.loads((provinces_dir / "data" / "nested-divisions.json").read_text(encoding="utf-8"))
    converter = json.loads((units_dir / "data" / "converter_2025.json").read_text(encoding="utf-8"))
    database = sqlite3.connect(f"file:{units_dir / 'data' / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_rows = database.execute(
            "SELECT wardCode, ward, provinceCode, province, provinceKey, wardKey FROM admin_units"
        ).fetchall()
        old_rows = database.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtKey,"
            " wardCode, ward, wardKey FROM admin_units_legacy"
        ).fetchall()
    finally:
        database.close()
    _reconcile_today(national, nested, new_rows)
    new_by_key = {(row[4], row[5]): _pad(row[0], 5) for row in new_rows}
    new_province_by_key = {row[4]: _pad(row[2], 2) for row in new_rows}
    old_by_key = _read_former(national, old_rows)
    _read_links(national, converter, new_by_key, new_province_by_key, old_by_key)
    return national


def _reconcile_today(national: NationalList, nested: list[dict], new_rows: list[tuple]) -> None:
    other = {_pad(row[0], 5): row for row in new_rows}
    other_provinces = {_pad(row[2], 2): row[3] for row in new_rows}
    for province in nested:
        code = _pad(province["code"], 2)
        name = clean_name(province["name"])
        if code not in other_provinces:
            national.problem(code, f"Tỉnh {code} {name}: không có trong vietnamadminunits.")
            continue
        if not same_name(_province_short(name), _province_short(other_provinces[code])):
            national.problem(
                code,
                f"Tỉnh {code}: vietnam-provinces ghi {name!r}, "
                f"vietnamadminunits ghi {other_provinces[code]!r}.",
            )
            continue
        national.provinces[code] = ListedUnit(code, name, UnitKind.PROVINCE)
        for ward in province["wards"]:
            ward_code = _pad(ward["code"], 5)
            ward_name = clean_name(ward["name"])
            row = other.pop(ward_code, None)
            if row is None:
                national.problem(
                    code,
                    f"Xã {ward_code} {ward_name} ({name}): có trong vietnam-provinces, "
                    "không có trong vietnamadminunits.",
                )
            elif not same_name(ward_name, row[1]) or _pad(row[2], 2) != code:
                national.problem(
                    code,
                    f"Xã {ward_code}: vietnam-provinces ghi {ward_name!r} ({name}), "
                    f"vietnamadminunits ghi {clean_name(row[1])!r} ({clean_name(row[3])}).",
                )
            else:
                national.communes[ward_code] = ListedUnit(ward_code, ward_name, UnitKind.COMMUNE, code)
    for ward_code, row in sorted(other.items()):
        national.problem(
            _pad(row[2], 2),
            f"Xã {ward_code} {clean_name(row[1])} ({clean_name(row[3])}): có trong vietnamadminunits, "
            "không có trong vietnam-provinces.",
        )


def _read_former(national: NationalList, rows: list[tuple]) -> dict[tuple[str, str, str], tuple[str, str]]:
    """The old tree; returns (province key, district key, ward key) -> (level, code)."""
    by_key: dict[tuple[str, str, str], tuple[str, str]] = {}
    for p_code, p_name, p_key, d_code, d_name, d_key, w_code, w_name, w_key in rows:
        p_code, d_code, w_code = _pad(p_code, 2), _pad(d_code, 3), _pad(w_code, 5)
        national.former_provinces.setdefault(
            p_code, ListedUnit(p_code, clean_name(p_name), UnitKind.PROVINCE)
        )
        national.former_districts.setdefault(
            d_code, ListedUnit(d_code, clean_name(d_name), UnitKind.DISTRICT, p_code)
        )
        by_key[(p_key, d_key, "")] = ("district", d_code)
        by_key[(p_key, "", "")] = ("province", p_code)
        if w_code:
            national.former_communes[w_code] = ListedUnit(
                w_code, clean_name(w_name), UnitKind.COMMUNE, d_code
            )
            by_key[(p_key, d_key, w_key)] = ("commune", w_code)
    return by_key


def _read_links(
    national: NationalList,
    converter: dict,
    new_by_key: dict[tuple[str, str], str],
    new_province_by_key: dict[str, str],
    old_by_key: dict[tuple[str, str, str], tuple[str, str]],
) -> None:
    old_province_code = {key[0]: code for key, (level, code) in old_by_key.items() if level == "province"}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        new_code = new_province_by_key.get(new_key)
        for old_key in old_keys:
            old_code = old_province_code.get(old_key)
            if new_code is None or old_code is None:
                national.problem("", f"Bảng chuyển đổi tỉnh: không khớp {old_key!r} → {new_key!r}.")
                continue
            national.province_of_former[old_code] = new_code
            if old_code != new_code or len(old_keys) > 1:
                national.links.append(Link(old_code, new_code, SuccessionKind.MERGE, "province"))

    successors: dict[tuple[str, str], list[str]] = defaultdict(list)  # (level, old code) -> new codes
    split: set[str] = set()

    def old_unit(old_key: str) -> tuple[str, str] | None:
        parts = old_key.split("_")
        if len(parts) != 3:
            return None
        return old_by_key.get((parts[0], parts[1], parts[2]))

    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            new_code = new_by_key.get((province_key, ward_key))
            if new_code is None:
                national.problem(
                    new_province_by_key.get(province_key, ""),
                    f"Bảng chuyển đổi: xã mới {ward_key!r} ({province_key}) không có mã.",
                )
                continue
            for old_key in old_keys:
                old = old_unit(old_key)
                if old is None:
                    national.problem(
                        new_province_by_key.get(province_key, ""),
                        f"Bảng chuyển đổi: đơn vị cũ {old_key!r} không có trong danh mục cũ.",
                    )
                    continue
                successors[old].append(new_code)
    for province_key, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_wards in old_wards.items():
            old = old_unit(old_key)
            if old is None:
                national.problem(
                    new_province_by_key.get(province_key, ""),
                    f"Bảng chuyển đổi: đơn vị cũ {old_key!r} không có trong danh mục cũ.",
                )
                continue
            for ward in new_wards:
                new_code = new_by_key.get((province_key, ward["newWardKey"]))
                if new_code is None:
                    national.problem(
                        new_province_by_key.get(province_key, ""),
                        f"Bảng chuyển đổi: xã mới {ward['newWardKey']!r} ({province_key}) không có mã.",
                    )
                    continue
                successors[old].append(new_code)
            split.add(old[1])

    # Old communes: every successor must be in today's list, or the commune is left out.
    predecessors: dict[str, int] = defaultdict(int)
    for new_codes in successors.values():
        for new_code in set(new_codes):
            predecessors[new_code] += 1
    gathered: dict[str, set[str]] = defaultdict(set)  # old district -> new communes
    for (level, old_code), new_codes in sorted(successors.items()):
        missing = sorted(code for code in new_codes if code not in national.communes)
        if missing:
            what = "Huyện" if level == "district" else "Xã"
            national.problem(
                _new_province_of(national, level, old_code),
                f"{what} cũ {old_code}: đơn vị kế thừa {', '.join(missing)} không nạp được; "
                "bỏ qua đơn vị cũ này.",
            )
            if level == "commune":
                national.former_communes.pop(old_code, None)
            continue
        if level == "district":  # an island district that became a special zone
            for new_code in dict.fromkeys(new_codes):
                national.links.append(Link(old_code, new_code, SuccessionKind.TRANSFER, "district"))
            continue
        kind = (
            SuccessionKind.SPLIT
            if old_code in split
            else (SuccessionKind.MERGE if predecessors[new_codes[0]] > 1 else SuccessionKind.RENAME)
        )
        for new_code in dict.fromkeys(new_codes):
            national.links.append(Link(old_code, new_code, kind, "commune"))
            gathered[national.former_communes[old_code].parent_code].add(new_code)
    for old_code in sorted(
        set(national.former_communes) - {code for level, code in successors if level == "commune"}
    ):
        unit = national.former_communes.pop(old_code)
        national.problem(
            _new_province_of(national, "commune", unit),
            f"Xã cũ {old_code} {unit.name}: không có trong bảng chuyển đổi 2025; bỏ qua.",
        )
    for district, new_codes in sorted(gathered.items()):
        for new_code in sorted(new_codes):
            national.links.append(Link(district, new_code, SuccessionKind.TRANSFER, "district"))


def _new_province_of(national: NationalList, level: str, old: str | ListedUnit) -> str:
    """The code of today's province an old unit went into."""
    if isinstance(old, str):
        old = national.former_communes.get(old) if level == "commune" else national.former_districts.get(old)
    if old is None:
        return ""
    district = national.former_districts.get(old.parent_code) if level == "commune" else old
    return national.province_of_former.get(district.parent_code, "") if district else ""

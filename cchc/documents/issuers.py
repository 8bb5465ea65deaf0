"""The issuing body of a document, as Nghị định 30/2020, Phụ lục I, and the
seeds print it: the header lines, the symbol with its drafting unit, the
signing authority and the archive line. One set of rules for every kind.

- The issuing body's name is written in full, in capitals ("ỦY BAN NHÂN
  DÂN" on a line of its own above "TỈNH QUẢNG TRỊ", seed 004); only the
  line above it (cơ quan chủ quản) may be abbreviated ("UBND TỈNH QUẢNG
  NAM").
- That line is printed only where the body has a direct parent body: an
  inspection team under the committee that set it up, a department or an
  office under its committee. A people's committee never has one.
- A công văn's symbol is the issuer's code and the drafting unit's
  ("UBND-NC"); the archive line names the drafting unit ("Lưu: VT, NC.").
- The signing authority: "TM. ỦY BAN NHÂN DÂN" for a collective body (a
  people's committee), then "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a deputy
  signs for the head; a team's deputy head "KT. TRƯỞNG ĐOÀN / PHÓ TRƯỞNG
  ĐOÀN"; an office signing for its head "KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH
  VĂN PHÒNG".
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..choices import UnitKind
from ..models import DraftingUnit, Signatory, Unit

#: Kinds of unit that are people's committees: collective bodies, signed
#: "TM. ỦY BAN NHÂN DÂN", with no line above their name.
COMMITTEE_KINDS = (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE)
COMMITTEE = "ỦY BAN NHÂN DÂN"


def _upper(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").strip()).upper()


def is_committee(unit: Unit) -> bool:
    return unit.kind in COMMITTEE_KINDS


def body_name(unit: Unit) -> str:
    """The issuing body's name as printed, in full and in capitals:
    "ỦY BAN NHÂN DÂN\\nTỈNH QUẢNG NAM" (a line break after the committee's
    title), "SỞ NỘI VỤ TỈNH QUẢNG NAM"."""
    name = _upper(unit.name)
    if name.startswith(COMMITTEE + " "):
        return f"{COMMITTEE}\n{name[len(COMMITTEE) + 1 :]}"
    return name


def short_body_name(unit: Unit) -> str:
    """The name as the line above another body prints it, abbreviation
    allowed: "UBND TỈNH QUẢNG NAM"."""
    return _upper(unit.short_name or unit.name)


def parent_body_line(unit: Unit) -> str:
    """The line above a unit's own name: its parent committee for a
    department or an office, nothing for a people's committee."""
    if is_committee(unit) or unit.parent_id is None:
        return ""
    return short_body_name(unit.parent)


@dataclass(frozen=True)
class Header:
    """The left column of the header and the register series."""

    parent_body: str
    issuing_body: str
    symbol: str
    series: str

    def as_fields(self) -> dict:
        """The fields of :class:`~cchc.models.OfficialDocument` it fills."""
        return {
            "register_series": self.series,
            "parent_body": self.parent_body,
            "issuing_body": self.issuing_body,
            "symbol": self.symbol,
        }


def unit_header(unit: Unit, *, drafting: DraftingUnit | None = None) -> Header:
    """The header of a document a unit issues in its own name."""
    symbol = unit.document_symbol or ("UBND" if is_committee(unit) else "")
    if drafting is not None:
        symbol = f"{symbol}-{drafting.code}" if symbol else drafting.code
    return Header(
        parent_body=parent_body_line(unit),
        issuing_body=body_name(unit),
        symbol=symbol,
        series=f"unit:{unit.pk}",
    )


def team_header(committee: Unit, *, team_key: str, team_name: str, team_symbol: str) -> Header:
    """The header of a document an inspection team issues under its own
    symbol: the committee that set it up above, the team's name in full."""
    return Header(
        parent_body=short_body_name(committee),
        issuing_body=_upper(team_name),
        symbol=team_symbol,
        series=team_key,
    )


def default_drafting_unit(unit: Unit) -> DraftingUnit | None:
    return unit.drafting_units.filter(is_default=True).first() or unit.drafting_units.first()


def archive_line(drafting_code: str = "") -> str:
    """ "Lưu: VT, NC." (the records office, then the drafting unit)."""
    return f"Lưu: VT, {drafting_code}." if drafting_code else "Lưu: VT."


@dataclass(frozen=True)
class Authority:
    """The signing block's fields of :class:`~cchc.models.OfficialDocument`."""

    signer_prefix: str
    signer_authority: str
    signer_position: str
    signer_name: str

    def as_fields(self) -> dict:
        return {
            "signer_prefix": self.signer_prefix,
            "signer_authority": self.signer_authority,
            "signer_position": self.signer_position,
            "signer_name": self.signer_name,
        }


def authority(
    *, collective: str = "", head_title: str, position: str, name: str, on_behalf: str = "KT."
) -> Authority:
    """The signing block: ``collective`` ("ỦY BAN NHÂN DÂN") is signed for
    with "TM."; a signer whose ``position`` is not the head's signs for the
    head with ``on_behalf`` ("KT.", or "TL." / "TUQ." / "Q.").

    - head of a collective: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH";
    - deputy of a collective: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH";
    - deputy of a team: "KT. TRƯỞNG ĐOÀN / PHÓ TRƯỞNG ĐOÀN";
    - head of a team: "TRƯỞNG ĐOÀN"."""
    head_title, position = _upper(head_title), _upper(position)
    is_head = not head_title or head_title == position
    lines = []
    if collective:
        lines.append(_upper(collective))
        if not is_head:
            lines.append(f"{on_behalf} {head_title}")
        return Authority("TM.", "\n".join(lines), position, name)
    if is_head:
        return Authority("", "", position, name)
    return Authority(on_behalf, head_title, position, name)


def signatory_authority(signatory: Signatory) -> Authority:
    """The signing block of a unit's signatory: collective committees sign
    "TM. ỦY BAN NHÂN DÂN"."""
    unit = signatory.unit
    return authority(
        collective=COMMITTEE if is_committee(unit) else "",
        head_title=signatory.head_title or signatory.position,
        position=signatory.position,
        name=signatory.full_name,
    )


def default_signatory(unit: Unit, day: datetime.date | None = None) -> Signatory | None:
    """The deputy (or else the head) who signs a unit's documents on ``day``."""
    candidates = [s for s in unit.signatories.all() if day is None or s.is_active_on(day)]
    deputies = [s for s in candidates if s.head_title]
    return (deputies or candidates or [None])[0]


def _short(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def check_can_issue(*, unit: Unit, issued_on: datetime.date, signatory: Signatory | None = None) -> None:
    """Refuse an issue date a unit or its signatory is not active on: a unit
    that ended (with the successor to issue instead), one not yet set up, a
    signatory no longer (or not yet) signing."""
    if unit.valid_to is not None and issued_on > unit.valid_to:
        from ..services import current_successors

        successors = ", ".join(str(s) for s in current_successors(unit))
        message = _(
            "%(unit)s đã kết thúc hoạt động từ ngày %(date)s, không ban hành văn bản ngày %(day)s."
        ) % {
            "unit": unit,
            "date": _short(unit.valid_to),
            "day": _short(issued_on),
        }
        if successors:
            message += " " + _("Đơn vị kế thừa: %(units)s.") % {"units": successors}
        raise ValidationError({"issued_on": message})
    if unit.valid_from is not None and issued_on < unit.valid_from:
        raise ValidationError(
            {
                "issued_on": _("%(unit)s chỉ hoạt động từ ngày %(date)s.")
                % {"unit": unit, "date": _short(unit.valid_from)}
            }
        )
    if signatory is not None and not signatory.is_active_on(issued_on):
        raise ValidationError(
            {
                "issued_on": _("%(name)s không còn là người ký của %(unit)s vào ngày %(day)s.")
                % {"name": signatory.full_name, "unit": signatory.unit, "day": _short(issued_on)}
            }
        )

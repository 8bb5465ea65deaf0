"""A criteria set to and from Excel, in the layout provinces publish.

The first sheet ("Bộ tiêu chí") has a header row (found in the first 15
rows; names matched without accents or case) with the published columns:
**STT / Mã**, **Lĩnh vực, tiêu chí, tiêu chí thành phần**, **Điểm tối đa**,
**Cách chấm điểm**, **Tài liệu kiểm chứng**, and the columns the app adds to
the right: Cấp, Cách đánh giá, Phương pháp chấm, Tham số, Khi không phát
sinh, Cơ quan thẩm định. Only the first three are required: the level comes
from the code ("1.1.2" is level 3) when there is no "Cấp" column, and a leaf
without a method is scored directly from 0 to its maximum.

Parameters are written as text:

* by level: ``Đúng hạn = 1; Muộn = 0,5; Không = 0``
* by % band: ``(90-100] = 2; [70-90] = 1; [0-70) = 0`` (a square bracket
  includes the bound, a round one leaves it out).

The second sheet ("Xếp loại"), optional, has: Xếp loại, Từ (%), Kể cả cận
dưới, Đến (%), Kể cả cận trên (có/không).

Reading checks everything and saves nothing; problems are given by sheet,
row and column, in Vietnamese. Saving (``criteria_set_import_save``) checks
again and replaces the draft's tree in one transaction: all or nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cchc.models import Unit
from cchc.text import fold
from cchc.xlsx import UploadError, open_upload, write_cell

from .. import scoring
from ..choices import Assessment, Method, NotApplicable, ProposalSource
from ..models import CriteriaSet
from .sets import BandSpec, NodeSpec, criteria_set_replace_tree, tree_problems

SHEET = "Bộ tiêu chí"
BAND_SHEET = "Xếp loại"
COLUMNS = {
    "code": "STT",
    "name": "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "max_points": "Điểm tối đa",
    "rule_text": "Cách chấm điểm",
    "evidence_expected": "Tài liệu kiểm chứng",
    "level": "Cấp",
    "assessment": "Cách đánh giá",
    "method": "Phương pháp chấm",
    "params": "Tham số",
    "na_policy": "Khi không phát sinh",
    "appraising_unit": "Cơ quan thẩm định",
    "proposal_source": "Hệ thống đề xuất từ",
}
ALIASES = {
    "code": {"ma", "ma tieu chi", "so thu tu", "tt"},
    "name": {"noi dung", "ten tieu chi", "tieu chi", "linh vuc, tieu chi", "noi dung, tieu chi"},
    "max_points": {"diem toi da", "diem chuan", "thang diem"},
    "rule_text": {"huong dan cham diem", "cach cham", "phuong phap tinh diem"},
    "evidence_expected": {"tai lieu kiem chung", "tlkc"},
    "appraising_unit": {"co quan tham dinh", "don vi tham dinh"},
}
REQUIRED = ("code", "name", "max_points")
BAND_COLUMNS = {
    "name": "Xếp loại",
    "lower": "Từ (%)",
    "lower_inclusive": "Kể cả cận dưới",
    "upper": "Đến (%)",
    "upper_inclusive": "Kể cả cận trên",
}
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 15
YES = {"co", "x", "yes", "true", "1", "dung"}
NO = {"khong", "no", "false", "0", "sai", ""}
_BAND = re.compile(r"^\s*([\[(])\s*([\d.,]*)\s*[-–]\s*([\d.,]*)\s*([\])])\s*[=:]\s*(.+?)\s*$")


@dataclass
class SetImportPreview:
    """What an import would save: the nodes and bands read, and every
    problem (none: it may be saved)."""

    nodes: list[NodeSpec] = field(default_factory=list)
    bands: list[BandSpec] | None = None
    problems: list[str] = field(default_factory=list)

    def as_session(self) -> dict:
        def plain(value):
            return str(value) if isinstance(value, Decimal) else value

        return {
            "nodes": [{k: plain(v) for k, v in asdict(node).items()} for node in self.nodes],
            "bands": None
            if self.bands is None
            else [{k: plain(v) for k, v in asdict(b).items()} for b in self.bands],
        }

    @classmethod
    def from_session(cls, data: dict) -> SetImportPreview:
        nodes = [NodeSpec(**{**node, "max_points": Decimal(node["max_points"])}) for node in data["nodes"]]
        bands = None
        if data.get("bands") is not None:
            bands = [
                BandSpec(
                    **{
                        **band,
                        "lower": None if band["lower"] is None else Decimal(band["lower"]),
                        "upper": None if band["upper"] is None else Decimal(band["upper"]),
                    }
                )
                for band in data["bands"]
            ]
        return cls(nodes=nodes, bands=bands)


def _choice(value: str, choices, aliases: dict[str, str] | None = None) -> str | None:
    folded = fold(value)
    for key, label in choices:
        if folded in (fold(key), fold(str(label))):
            return key
    for alias, key in (aliases or {}).items():
        if folded == alias:
            return key
    return None


METHOD_ALIASES = {
    "dat/khong dat": Method.YES_NO,
    "dat / khong dat": Method.YES_NO,
    "theo muc": Method.LEVELS,
    "theo khoang ty le": Method.PCT_BANDS,
    "theo ty le %": Method.PCT_BANDS,
    "ty le": Method.RATIO,
    "cham truc tiep": Method.POINTS,
    "diem thuong": Method.BONUS,
    "diem tru": Method.PENALTY,
}
ASSESSMENT_ALIASES = {
    "tu danh gia": Assessment.SELF,
    "tu cham": Assessment.SELF,
    "tham dinh": Assessment.SELF,
    "dieu tra": Assessment.SURVEY,
    "dieu tra xhh": Assessment.SURVEY,
    "xhh": Assessment.SURVEY,
}
NA_ALIASES = {
    "0 diem": NotApplicable.ZERO,
    "diem toi da": NotApplicable.FULL,
    "du diem": NotApplicable.FULL,
    "quy doi": NotApplicable.EXCLUDE,
    "khong tinh": NotApplicable.EXCLUDE,
}


def params_from_text(method: str, text: str) -> dict:
    """The parameters of ``method`` from their written form (raises
    ``scoring.ScoringError`` with a Vietnamese message)."""
    text = (text or "").strip()
    if method == Method.LEVELS:
        levels = []
        for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
            label, sep, points = part.rpartition("=")
            if not sep:
                label, sep, points = part.rpartition(":")
            if not sep or not label.strip():
                raise scoring.ScoringError(_("mức “%(p)s” phải viết dạng “tên mức = số điểm”.") % {"p": part})
            levels.append({"label": label.strip(), "points": str(scoring.parse_decimal(points))})
        return {"levels": levels}
    if method == Method.PCT_BANDS:
        bands = []
        for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
            match = _BAND.match(part)
            if not match:
                raise scoring.ScoringError(
                    _(
                        "khoảng “%(p)s” phải viết dạng “[70-90] = 1” "
                        "(ngoặc vuông: kể cả cận, ngoặc tròn: không kể)."
                    )
                    % {"p": part}
                )
            opening, lower, upper, closing, points = match.groups()
            bands.append(
                {
                    "min": str(scoring.parse_decimal(lower)) if lower else None,
                    "min_inclusive": opening == "[",
                    "max": str(scoring.parse_decimal(upper)) if upper else None,
                    "max_inclusive": closing == "]",
                    "points": str(scoring.parse_decimal(points)),
                }
            )
        return {"bands": bands}
    if text:
        raise scoring.ScoringError(_("phương pháp này không có tham số."))
    return {}


def _plain(value) -> str:
    if value is None or value == "":
        return ""
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


def params_to_text(method: str, params: dict) -> str:
    """The written form of a leaf's parameters (the inverse of ``params_from_text``)."""
    if method == Method.LEVELS:
        return "; ".join(
            f"{level['label']} = {_plain(level['points'])}" for level in params.get("levels", [])
        )
    if method == Method.PCT_BANDS:
        parts = []
        for band in params.get("bands", []):
            opening = "[" if band.get("min_inclusive", True) else "("
            closing = "]" if band.get("max_inclusive", False) else ")"
            bounds = f"{_plain(band.get('min'))}-{_plain(band.get('max'))}"
            parts.append(f"{opening}{bounds}{closing} = {_plain(band['points'])}")
        return "; ".join(parts)
    return ""


def _header(values, columns: dict[str, str], aliases: dict[str, set[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, text in enumerate(values or ()):
        folded = fold(str(text or ""))
        if not folded:
            continue
        for key, label in columns.items():
            if key not in found and (folded == fold(label) or folded in aliases.get(key, ())):
                found[key] = index
                break
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _code_text(value) -> str:
    """A code as printed: a float 1.1 read from a cell stays "1.1"."""
    if isinstance(value, float):
        return repr(value).rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return _text(value).rstrip(".")


def _appraisers(province: Unit) -> dict[str, int]:
    """Departments and offices a node may name as its appraiser, by folded
    code, name and short name: the province's, and the province's
    predecessors' (a merged province's departments)."""
    roots = [province, *Unit.objects.filter(successions_out__successor=province)]
    units = Unit.objects.subtree_of(*roots).exclude(kind__in=["commune", "district", "province"])
    found: dict[str, int] = {}
    for unit in units.only("pk", "code", "name", "short_name"):
        for key in (unit.code, unit.name, unit.short_name):
            if key:
                found.setdefault(fold(key), unit.pk)
    return found


def criteria_set_import_read(upload, *, criteria_set: CriteriaSet) -> SetImportPreview:
    """Read and check a workbook for ``criteria_set``; nothing is saved."""
    preview = SetImportPreview()
    try:
        workbook = open_upload(upload)
    except UploadError as error:
        preview.problems.append(str(error))
        return preview
    sheets = {fold(sheet.title): sheet for sheet in workbook.worksheets}
    sheet = sheets.get(fold(SHEET)) or workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    columns: dict[str, int] = {}
    header_row = 0
    for number, values in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        found = _header(values, COLUMNS, ALIASES)
        if all(key in found for key in REQUIRED):
            columns, header_row = found, number
            break
    if not header_row:
        preview.problems.append(
            _("Trang “%(sheet)s”: không thấy dòng tiêu đề có các cột %(columns)s trong %(n)s dòng đầu.")
            % {
                "sheet": sheet.title,
                "columns": ", ".join(f"“{COLUMNS[k]}”" for k in REQUIRED),
                "n": HEADER_SEARCH_ROWS,
            }
        )
        return preview
    appraisers = _appraisers(criteria_set.province) if "appraising_unit" in columns else {}

    def problem(row: int, column: str, message: str) -> None:
        preview.problems.append(
            _("Trang “%(sheet)s”, dòng %(row)s, cột “%(column)s”: %(message)s")
            % {"sheet": sheet.title, "row": row, "column": COLUMNS[column], "message": message}
        )

    raw: list[tuple[NodeSpec, str]] = []
    for number, values in enumerate(rows, start=header_row + 1):
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        code = _code_text(cells["code"])
        name = _text(cells["name"])
        if not code and fold(name).startswith("tong"):
            continue  # the total row at the bottom of a published table
        if len(raw) >= MAX_ROWS:
            preview.problems.append(_("Tệp có quá %(n)s dòng tiêu chí.") % {"n": MAX_ROWS})
            return preview
        if not code:
            problem(number, "code", _("chưa ghi mã tiêu chí."))
        if not name:
            problem(number, "name", _("chưa ghi tên tiêu chí."))
        try:
            max_points = scoring.parse_decimal(cells["max_points"])
        except scoring.ScoringError:
            problem(
                number, "max_points", _("“%(v)s” không phải là số điểm.") % {"v": _text(cells["max_points"])}
            )
            max_points = Decimal(0)
        level = len([part for part in code.split(".") if part]) or 1
        if "level" in columns and _text(cells.get("level")):
            try:
                level = int(scoring.parse_decimal(cells["level"]))
            except (scoring.ScoringError, ValueError):
                problem(number, "level", _("cấp phải là số (1 là lĩnh vực)."))
        assessment = Assessment.SELF
        if _text(cells.get("assessment")):
            assessment = _choice(_text(cells["assessment"]), Assessment.choices, ASSESSMENT_ALIASES)
            if assessment is None:
                problem(
                    number,
                    "assessment",
                    _("“%(v)s” không phải là cách đánh giá; chọn: %(c)s.")
                    % {"v": _text(cells["assessment"]), "c": ", ".join(str(x.label) for x in Assessment)},
                )
                assessment = Assessment.SELF
        method = ""
        if _text(cells.get("method")):
            method = _choice(_text(cells["method"]), Method.choices, METHOD_ALIASES)
            if method is None:
                problem(
                    number,
                    "method",
                    _("phương pháp chấm “%(v)s” không có; chọn: %(c)s.")
                    % {"v": _text(cells["method"]), "c": ", ".join(str(x.label) for x in Method)},
                )
                method = ""
        params: dict = {}
        if method:
            try:
                params = params_from_text(method, str(cells.get("params") or ""))
            except scoring.ScoringError as error:
                problem(number, "params", str(error))
        elif _text(cells.get("params")):
            problem(number, "params", _("có tham số nhưng chưa chọn phương pháp chấm."))
        na_policy = NotApplicable.ZERO
        if _text(cells.get("na_policy")):
            na_policy = _choice(_text(cells["na_policy"]), NotApplicable.choices, NA_ALIASES)
            if na_policy is None:
                problem(
                    number,
                    "na_policy",
                    _("“%(v)s” không có; chọn: %(c)s.")
                    % {"v": _text(cells["na_policy"]), "c": ", ".join(str(x.label) for x in NotApplicable)},
                )
                na_policy = NotApplicable.ZERO
        appraiser_id = None
        if _text(cells.get("appraising_unit")):
            appraiser_id = appraisers.get(fold(_text(cells["appraising_unit"])))
            if appraiser_id is None:
                problem(
                    number,
                    "appraising_unit",
                    _("không có cơ quan “%(v)s” trong các sở, ngành của tỉnh.")
                    % {"v": _text(cells["appraising_unit"])},
                )
        proposal = ""
        if _text(cells.get("proposal_source")):
            proposal = _choice(_text(cells["proposal_source"]), ProposalSource.choices)
            if proposal is None:
                problem(
                    number,
                    "proposal_source",
                    _("nguồn đề xuất “%(v)s” không có.") % {"v": _text(cells["proposal_source"])},
                )
                proposal = ""
        spec = NodeSpec(
            code=code,
            name=name[:1000],
            level=level,
            max_points=max_points,
            assessment=assessment,
            method=method,
            params=params,
            rule_text=str(cells.get("rule_text") or "").strip(),
            evidence_expected=str(cells.get("evidence_expected") or "").strip(),
            na_policy=na_policy,
            appraising_unit_id=appraiser_id,
            proposal_source=proposal,
            is_illustrative=criteria_set.is_illustrative,
            row=number,
        )
        raw.append((spec, code))
    preview.nodes = [spec for spec, _code in raw]
    # A leaf without a method is scored directly, from 0 to its maximum.
    for position, spec in enumerate(preview.nodes):
        following = preview.nodes[position + 1] if position + 1 < len(preview.nodes) else None
        is_leaf = following is None or following.level <= spec.level
        if is_leaf and not spec.method:
            spec.method = Method.POINTS
    band_sheet = sheets.get(fold(BAND_SHEET))
    if band_sheet is not None:
        preview.bands = _read_bands(band_sheet, preview.problems)
    if not preview.problems:
        preview.problems += tree_problems(preview.nodes, preview.bands or [], total=criteria_set.total_points)
    return preview


def _yes_no(value) -> bool | None:
    folded = fold(_text(value))
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def _read_bands(sheet, problems: list[str]) -> list[BandSpec]:
    rows = sheet.iter_rows(values_only=True)
    header = _header(next(rows, None), BAND_COLUMNS, {})
    missing = [BAND_COLUMNS[key] for key in BAND_COLUMNS if key not in header]
    if missing:
        problems.append(
            _("Trang “%(sheet)s”, dòng 1: thiếu cột %(columns)s.")
            % {"sheet": sheet.title, "columns": ", ".join(missing)}
        )
        return []
    bands = []
    for number, values in enumerate(rows, start=2):
        cells = {key: values[index] if index < len(values) else None for key, index in header.items()}
        if all(value in (None, "") for value in cells.values()):
            continue

        def problem(column, message, number=number):
            problems.append(
                _("Trang “%(sheet)s”, dòng %(row)s, cột “%(column)s”: %(message)s")
                % {"sheet": sheet.title, "row": number, "column": BAND_COLUMNS[column], "message": message}
            )

        name = _text(cells["name"])
        if not name:
            problem("name", _("chưa ghi tên xếp loại."))
        bounds = {}
        for key in ("lower", "upper"):
            if _text(cells[key]) == "":
                bounds[key] = None
                continue
            try:
                bounds[key] = scoring.parse_decimal(cells[key])
            except scoring.ScoringError:
                problem(key, _("“%(v)s” không phải là số.") % {"v": _text(cells[key])})
                bounds[key] = None
        flags = {}
        for key in ("lower_inclusive", "upper_inclusive"):
            flag = _yes_no(cells[key])
            if flag is None:
                problem(key, _("ghi “có” hoặc “không”."))
            flags[key] = bool(flag)
        bands.append(
            BandSpec(
                name,
                bounds["lower"],
                flags["lower_inclusive"],
                bounds["upper"],
                flags["upper_inclusive"],
                number,
            )
        )
    return bands


@transaction.atomic
def criteria_set_import_save(*, criteria_set: CriteriaSet, preview: SetImportPreview) -> int:
    """Replace the draft's tree (and bands, if the file had them) with what
    was read: checked again, all or nothing. Returns the number of nodes."""
    if preview.problems:
        raise ValidationError(preview.problems)
    return criteria_set_replace_tree(criteria_set=criteria_set, nodes=preview.nodes, bands=preview.bands)


# Export.


def criteria_set_workbook(criteria_set: CriteriaSet) -> bytes:
    """The set in the published layout (codes, names, maximum points,
    scoring rule text, evidence), with the app's columns to the right and the
    bands on a second sheet; it reads back with ``criteria_set_import_read``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    write_cell(sheet, 1, 1, criteria_set.name.upper()).font = bold
    if criteria_set.decision_number:
        basis = _("(Ban hành kèm theo Quyết định số %(n)s ngày %(d)s của %(u)s)") % {
            "n": criteria_set.decision_number,
            "d": date_format(criteria_set.decision_date, "SHORT_DATE_FORMAT")
            if criteria_set.decision_date
            else "…",
            "u": criteria_set.province.short_name or criteria_set.province.name,
        }
    else:
        basis = _("(Dự thảo)")
    write_cell(sheet, 2, 1, basis).font = Font(italic=True)
    if criteria_set.is_illustrative:
        write_cell(sheet, 3, 1, _("Số điểm là minh họa, không phải số điểm của văn bản ban hành."))
    keys = list(COLUMNS)
    for column, key in enumerate(keys, start=1):
        cell = write_cell(sheet, 4, column, COLUMNS[key])
        cell.font = bold
        cell.alignment = wrap
    widths = [8, 60, 10, 50, 40, 6, 22, 22, 30, 26, 30, 26]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=4, column=column).column_letter].width = width
    row = 5
    nodes = criteria_set.nodes.select_related("appraising_unit").order_by("position")
    for node in nodes:
        values = {
            "code": node.code,
            "name": node.name,
            "max_points": node.max_points,
            "rule_text": node.rule_text,
            "evidence_expected": node.evidence_expected,
            "level": node.level,
            "assessment": str(node.get_assessment_display()),
            "method": str(node.get_method_display()) if node.method else "",
            "params": params_to_text(node.method, node.params),
            "na_policy": str(node.get_na_policy_display()),
            "appraising_unit": (node.appraising_unit.code or node.appraising_unit.name)
            if node.appraising_unit
            else "",
            "proposal_source": str(node.get_proposal_source_display()) if node.proposal_source else "",
        }
        for column, key in enumerate(keys, start=1):
            cell = write_cell(sheet, row, column, values[key])
            cell.alignment = wrap
            if node.level == 1:
                cell.font = bold
        row += 1
    write_cell(sheet, row, 2, _("Tổng điểm tối đa")).font = bold
    write_cell(sheet, row, 3, criteria_set.total_points).font = bold
    bands = workbook.create_sheet(BAND_SHEET)
    for column, label in enumerate(BAND_COLUMNS.values(), start=1):
        write_cell(bands, 1, column, label).font = bold
    for row, band in enumerate(criteria_set.bands.order_by("position"), start=2):
        values = [
            band.name,
            band.lower,
            _("có") if band.lower_inclusive else _("không"),
            band.upper,
            _("có") if band.upper_inclusive else _("không"),
        ]
        for column, value in enumerate(values, start=1):
            write_cell(bands, row, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

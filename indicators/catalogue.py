"""The indicator catalogue as data: loaded from ``fixtures/indicators/
catalogue.json``, versioned by year, and looked up by year.

Loading is idempotent and keyed on natural keys (a template by its code and
first year, an indicator by its template and number): running it twice
changes nothing. It never deletes, and it refuses to change the kind of
value of an indicator that already has figures, since that would change
what earlier tables mean: a changed list is a new version from a later year.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from .models import Indicator, IndicatorTemplate, IndicatorValue

CATALOGUE_FILE = Path(settings.BASE_DIR) / "fixtures" / "indicators" / "catalogue.json"

_TEMPLATE_FIELDS = {"short_name", "title", "subtitle", "source", "position", "valid_to_year"}
_INDICATOR_FIELDS = {
    "name": "name",
    "kind": "value_kind",
    "rollup": "rollup",
    "allows_not_applicable": "allows_not_applicable",
    "unit_kinds": "unit_kinds",
    "numerator_within_denominator": "numerator_within_denominator",
    "within_parent": "within_parent",
    "levels": "levels",
    "numerator_label": "numerator_label",
    "denominator_label": "denominator_label",
}
_DEFAULTS = {
    "allows_not_applicable": True,
    "unit_kinds": [],
    "numerator_within_denominator": False,
    "within_parent": False,
    "levels": [],
    "numerator_label": "",
    "denominator_label": "",
}


class CatalogueError(ValueError):
    """The catalogue file is malformed or would change the meaning of
    figures already entered."""


@dataclass
class CatalogueResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _parent_number(number: str) -> str | None:
    head, dot, _tail = number.rpartition(".")
    return head if dot else None


@transaction.atomic
def catalogue_load(*, path: Path = CATALOGUE_FILE) -> CatalogueResult:
    """Create or update the templates and indicators of the catalogue file."""
    with Path(path).open(encoding="utf-8") as handle:
        document = json.load(handle)
    result = CatalogueResult()
    try:
        for template_record in document["templates"]:
            _load_template(template_record, result)
    except KeyError as error:
        raise CatalogueError(_("Tệp danh mục thiếu trường %(field)s.") % {"field": error}) from error
    return result


def _load_template(record: dict, result: CatalogueResult) -> None:
    unknown = set(record) - _TEMPLATE_FIELDS - {"code", "valid_from_year", "indicators", "note"}
    if unknown:
        raise CatalogueError(
            _("Phụ lục %(code)s: khóa không hợp lệ %(keys)s.")
            % {"code": record.get("code"), "keys": sorted(unknown)}
        )
    values = {
        name: record.get(name, "" if name in {"subtitle", "source"} else None) for name in _TEMPLATE_FIELDS
    }
    values["position"] = values["position"] or 0
    template = IndicatorTemplate.objects.filter(
        code=record["code"], valid_from_year=record["valid_from_year"]
    ).first()
    if template is None:
        template = IndicatorTemplate(code=record["code"], valid_from_year=record["valid_from_year"], **values)
        _save(template)
        result.created["templates"] += 1
    elif any(getattr(template, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(template, name, value)
        _save(template)
        result.updated["templates"] += 1
    else:
        result.unchanged["templates"] += 1

    existing = {indicator.number: indicator for indicator in template.indicators.all()}
    used = set(
        IndicatorValue.objects.filter(indicator__template=template)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    for position, item in enumerate(record["indicators"], start=1):
        unknown = set(item) - set(_INDICATOR_FIELDS) - {"number", "parent", "note"}
        if unknown:
            raise CatalogueError(
                _("Chỉ tiêu %(number)s: khóa không hợp lệ %(keys)s.")
                % {"number": item.get("number"), "keys": sorted(unknown)}
            )
        number = str(item["number"]).strip()
        parent_number = item.get("parent", _parent_number(number))
        parent = existing.get(parent_number) if parent_number else None
        if parent_number and parent is None:
            raise CatalogueError(
                _("Chỉ tiêu %(number)s của %(code)s: chưa có chỉ tiêu cha %(parent)s (phải đứng trước).")
                % {"number": number, "code": record["code"], "parent": parent_number}
            )
        values = {
            model_name: item.get(key, _DEFAULTS.get(key)) for key, model_name in _INDICATOR_FIELDS.items()
        }
        values["parent"] = parent
        values["position"] = position
        indicator = existing.get(number)
        if indicator is None:
            indicator = Indicator(template=template, number=number, **values)
            _save(indicator)
            existing[number] = indicator
            result.created["indicators"] += 1
            continue
        changed = [
            name
            for name, value in values.items()
            if (
                indicator.parent_id != (value.pk if value else None)
                if name == "parent"
                else getattr(indicator, name) != value
            )
        ]
        if not changed:
            result.unchanged["indicators"] += 1
            continue
        if indicator.pk in used and "value_kind" in changed:
            raise CatalogueError(
                _(
                    "Chỉ tiêu %(number)s của %(template)s đã có số liệu; không đổi loại giá trị được. "
                    "Hãy thêm phiên bản mới của phụ lục cho năm áp dụng thay đổi."
                )
                % {"number": number, "template": template}
            )
        for name in changed:
            setattr(indicator, name, values[name])
        _save(indicator)
        result.updated["indicators"] += 1


def _save(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise CatalogueError(f"{instance}: {' '.join(error.messages)}") from error
    instance.save()


def templates_for_year(year: int):
    """The versions of every appendix valid in ``year``, with their
    indicators in print order (two queries)."""
    return (
        IndicatorTemplate.objects.filter(
            Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=year), valid_from_year__lte=year
        )
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("parent").order_by("position"))
        )
        .order_by("position", "code")
    )


def templates_for_years(first: int, last: int):
    """Every version valid in some year of ``first``..``last``."""
    return (
        IndicatorTemplate.objects.filter(
            Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=first), valid_from_year__lte=last
        )
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.select_related("parent").order_by("position"))
        )
        .order_by("position", "code", "valid_from_year")
    )

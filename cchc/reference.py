"""Load the reference catalogues from ``fixtures/``, and the helpers every
fixture loader shares.

``load_reform_areas`` reads ``fixtures/reform_areas.json``, the catalogue of
reform areas (lĩnh vực CCHC). It is real reference data and is safe to run
in production (``manage.py load_catalogues``); areas an administrator added
by hand are left alone.

A loader is idempotent: every record is looked up by its natural key and
created, updated or left alone (``upsert``), so running it twice changes
nothing the second time (no new rows, no new history entries). Every object
is validated with ``full_clean()`` before it is saved, and a loader runs in
one transaction: a file that breaks a rule loads nothing. The demo app's
loaders (the demo province, seed 001's indicator tables) use the same helpers.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from .models import ReformArea

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFORM_AREAS_FILE = FIXTURES_DIR / "reform_areas.json"

# Keys in a fixture file that document a record for its reader and are not
# loaded (the models have no field for them).
DOC_KEYS = {"note", "former_code"}


class FixtureError(ValueError):
    """A fixture file is malformed: an unknown key, a reference to a record
    the file does not define."""


@dataclass
class LoadResult:
    """What a loader did, per model: how many rows it created, updated, or
    found already as in the file."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def record(self, model: type[models.Model], outcome: str) -> None:
        getattr(self, outcome)[str(model._meta.verbose_name_plural)] += 1

    def merge(self, other: LoadResult) -> None:
        self.created.update(other.created)
        self.updated.update(other.updated)
        self.unchanged.update(other.unchanged)
        self.logins.extend(other.logins)

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def read_fixture(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def differs(instance: models.Model, name: str, value: Any) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def upsert(
    model: type[models.Model],
    result: LoadResult,
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    before_update: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Create the row with ``lookup`` and ``values``, or bring the existing
    row to ``values``; an unchanged row is not saved again. ``before_update``
    sees a changed row just before it is validated and saved."""
    try:
        instance = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        result.record(model, "created")
        return instance
    changed = [name for name, value in values.items() if differs(instance, name, value)]
    if not changed:
        result.record(model, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    if before_update is not None:
        before_update(instance)
    instance.full_clean()
    instance.save()
    result.record(model, "updated")
    return instance


def check_keys(record: dict, allowed: set[str], what: str) -> None:
    unknown = set(record) - allowed - DOC_KEYS
    if unknown:
        raise FixtureError(f"{what}: khóa không hợp lệ {sorted(unknown)}.")


@transaction.atomic
def load_reform_areas(*, path: Path = REFORM_AREAS_FILE) -> LoadResult:
    """Load the catalogue of reform areas, keyed on ``code``."""
    result = LoadResult()
    fields = {"name", "position", "valid_from_year", "valid_to_year", "programme"}
    for record in read_fixture(path)["reform_areas"]:
        check_keys(record, fields | {"code"}, f"Lĩnh vực {record.get('code')}")
        upsert(ReformArea, result, {"code": record["code"]}, {name: record[name] for name in fields})
    return result

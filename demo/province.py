"""Load the reference catalogues and the demo province from ``fixtures/``.

Two loaders, both idempotent: every record is looked up by its natural key
and created, updated or left alone, so running a loader twice changes
nothing the second time (no new rows, no new history entries).

- ``load_reform_areas`` reads ``fixtures/reform_areas.json``, the catalogue
  of reform areas (lĩnh vực CCHC). It is real reference data and is safe to
  run in production; areas an administrator added by hand are left alone.
- ``load_demo_province`` reads ``fixtures/demo_province.json``: units and
  their succession, demo users, and two plans built from the seed documents
  (the 2019 conclusion at huyện Duy Xuyên, Hương Sơn's 2023 commune
  inspections). Only for development and demonstrations: it sets known
  passwords.

The demo file is a custom format rather than Django's ``loaddata`` format
because ``Unit.save()`` computes the materialized ``path`` that a raw fixture
load would skip. Units are referenced inside the file by a local ``key``.

Every object is validated with ``full_clean()`` before it is saved, and each
loader runs in one transaction: a file that breaks a rule loads nothing.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction

from inspections.choices import FindingKind
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationTask,
    TeamMember,
)

from .models import Membership, ReformArea, Unit, UnitSuccession, User

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFORM_AREAS_FILE = FIXTURES_DIR / "reform_areas.json"
DEMO_PROVINCE_FILE = FIXTURES_DIR / "demo_province.json"

#: The one password of every demo account; the README states it. Published on
#: purpose: ``load_demo`` refuses to run where CCHC_ALLOW_DEMO_DATA is off.
DEMO_PASSWORD = "cchc-demo-2019"  # noqa: S105

# Keys in the demo file that document a record for its reader and are not
# loaded (the models have no field for them).
_DOC_KEYS = {"note", "former_code"}


class DemoDataError(ValueError):
    """The demo file is malformed: an unknown key, a reference to a unit the
    file does not define, a finding area that is not in the catalogue."""


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


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise DemoDataError(f"Thời điểm {value!r} phải ghi kèm múi giờ, ví dụ +07:00.")
    return moment


def _differs(instance: models.Model, name: str, value: Any) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def _upsert(
    model: type[models.Model], result: LoadResult, lookup: dict[str, Any], values: dict[str, Any]
) -> models.Model:
    """Create the row with ``lookup`` and ``values``, or bring the existing
    row to ``values``; an unchanged row is not saved again."""
    try:
        instance = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        result.record(model, "created")
        return instance
    changed = [name for name, value in values.items() if _differs(instance, name, value)]
    if not changed:
        result.record(model, "unchanged")
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    if isinstance(instance, Finding):
        instance.version += 1
    instance.full_clean()
    instance.save()
    result.record(model, "updated")
    return instance


def _check_keys(record: dict, allowed: set[str], what: str) -> None:
    unknown = set(record) - allowed - _DOC_KEYS
    if unknown:
        raise DemoDataError(f"{what}: khóa không hợp lệ {sorted(unknown)}.")


# --- reform areas --------------------------------------------------------


@transaction.atomic
def load_reform_areas(*, path: Path = REFORM_AREAS_FILE) -> LoadResult:
    """Load the catalogue of reform areas, keyed on ``code``."""
    result = LoadResult()
    fields = {"name", "position", "valid_from_year", "valid_to_year", "programme"}
    for record in _read(path)["reform_areas"]:
        _check_keys(record, fields | {"code"}, f"Lĩnh vực {record.get('code')}")
        _upsert(ReformArea, result, {"code": record["code"]}, {name: record[name] for name in fields})
    return result


# --- the demo province ---------------------------------------------------


class _Loader:
    """One pass over the demo file; ``units`` maps the file's keys to rows."""

    UNIT_FIELDS = {
        "key",
        "name",
        "short_name",
        "kind",
        "parent",
        "code",
        "valid_from",
        "valid_to",
        "document_symbol",
        "place_name",
    }

    def __init__(self, document: dict, password: str) -> None:
        self.document = document
        self.password = password
        self.result = LoadResult()
        self.units: dict[str, Unit] = {}
        self.areas = {area.code: area for area in ReformArea.objects.all()}

    def unit(self, key: str | None) -> Unit | None:
        if key is None:
            return None
        try:
            return self.units[key]
        except KeyError:
            raise DemoDataError(f"Không có đơn vị với key {key!r} trong tệp dữ liệu mẫu.") from None

    def area(self, code: str) -> ReformArea:
        try:
            return self.areas[code]
        except KeyError:
            raise DemoDataError(
                f"Lĩnh vực {code!r} chưa có trong danh mục; hãy nạp danh mục (load_catalogues) trước."
            ) from None

    def run(self) -> LoadResult:
        for record in self.document["units"]:
            self.load_unit(record)
        for record in self.document["successions"]:
            self.load_succession(record)
        for record in self.document["users"]:
            self.load_user(record)
        for record in self.document["plans"]:
            self.load_plan(record)
        return self.result

    def load_unit(self, record: dict) -> None:
        _check_keys(record, self.UNIT_FIELDS, f"Đơn vị {record.get('key')}")
        if record["key"] in self.units:
            raise DemoDataError(f"Key đơn vị {record['key']!r} bị trùng.")
        values = {
            "name": record["name"],
            "short_name": record["short_name"],
            "kind": record["kind"],
            "parent": self.unit(record["parent"]),
            "code": record["code"],
            "valid_from": _date(record["valid_from"]),
            "valid_to": _date(record["valid_to"]),
            "document_symbol": record["document_symbol"],
            "place_name": record["place_name"],
        }
        # An official code identifies a unit. Units without one (a Sở, or a
        # commune whose code went to its successor) are known by name, kind
        # and parent, which tells the old xã Sơn Tây from the new one; so is a
        # unit whose code the file adds later. A code an administrator gave a
        # unit the file has no code for is kept.
        code = values.pop("code")
        if code and Unit.objects.filter(code=code).exists():
            lookup = {"code": code}
        else:
            lookup = {name: values.pop(name) for name in ("name", "kind", "parent")}
            if code:
                values["code"] = code
        self.units[record["key"]] = _upsert(Unit, self.result, lookup, values)

    def load_succession(self, record: dict) -> None:
        allowed = {"from", "to", "kind", "effective_date", "legal_basis", "is_illustrative"}
        _check_keys(record, allowed, f"Kế thừa {record.get('from')} → {record.get('to')}")
        _upsert(
            UnitSuccession,
            self.result,
            {"predecessor": self.unit(record["from"]), "successor": self.unit(record["to"])},
            {
                "kind": record["kind"],
                "effective_date": _date(record["effective_date"]),
                "legal_basis": record["legal_basis"],
                "is_illustrative": record["is_illustrative"],
                "note": record.get("note", ""),
            },
        )

    def load_user(self, record: dict) -> None:
        allowed = {"username", "full_name", "position", "is_staff", "is_superuser", "memberships"}
        _check_keys(record, allowed, f"Người dùng {record.get('username')}")
        try:
            user = User.objects.get(username=record["username"])
        except User.DoesNotExist:
            user = User(username=record["username"])
        values = {
            "full_name": record["full_name"],
            "position": record["position"],
            "is_staff": record.get("is_staff", False),
            "is_superuser": record.get("is_superuser", False),
            "is_active": True,
        }
        changed = user.pk is None or any(_differs(user, name, value) for name, value in values.items())
        for name, value in values.items():
            setattr(user, name, value)
        if user.pk is None or not user.check_password(self.password):
            user.set_password(self.password)
            changed = True
        if changed:
            self.result.record(User, "updated" if user.pk else "created")
            user.full_clean()
            user.save()
        else:
            self.result.record(User, "unchanged")
        for membership in record["memberships"]:
            _check_keys(membership, {"unit", "role", "valid_from", "valid_to"}, f"Phân công {user.username}")
            unit = self.unit(membership["unit"])
            _upsert(
                Membership,
                self.result,
                {"user": user, "unit": unit, "role": membership["role"]},
                {
                    "valid_from": _date(membership["valid_from"]),
                    "valid_to": _date(membership.get("valid_to")),
                },
            )
            self.result.logins.append((user.username, membership["role"], str(unit)))

    def load_plan(self, record: dict) -> None:
        allowed = {"issuer", "year", "number", "issued_on", "title", "planned_units", "teams", "inspections"}
        _check_keys(record, allowed, f"Kế hoạch {record.get('number')}")
        plan = _upsert(
            InspectionPlan,
            self.result,
            {"issuer": self.unit(record["issuer"]), "year": record["year"], "number": record["number"]},
            {"issued_on": _date(record["issued_on"]), "title": record["title"]},
        )
        planned = [self.unit(key) for key in record["planned_units"]]
        if set(plan.planned_units.all()) != set(planned):
            plan.planned_units.set(planned)
        teams = {team["decision_number"]: self.load_team(plan, team) for team in record["teams"]}
        for inspection in record["inspections"]:
            self.load_inspection(plan, teams, inspection)

    def load_team(self, plan: InspectionPlan, record: dict) -> InspectionTeam:
        allowed = {
            "name",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "document_symbol",
            "members",
        }
        _check_keys(record, allowed, f"Đoàn {record.get('decision_number')}")
        team = _upsert(
            InspectionTeam,
            self.result,
            {"plan": plan, "decision_number": record["decision_number"]},
            {
                "name": record["name"],
                "decision_date": _date(record["decision_date"]),
                "decision_issuer": self.unit(record["decision_issuer"]),
                "document_symbol": record["document_symbol"],
            },
        )
        for order, member in enumerate(record["members"], start=1):
            _check_keys(member, {"full_name", "position", "organisation", "role"}, f"Thành viên đoàn {team}")
            _upsert(
                TeamMember,
                self.result,
                {"team": team, "full_name": member["full_name"]},
                {
                    "position": member["position"],
                    "organisation": self.unit(member["organisation"]),
                    "role": member["role"],
                    "order": order,
                },
            )
        return team

    def load_inspection(self, plan: InspectionPlan, teams: dict[str, InspectionTeam], record: dict) -> None:
        allowed = {"unit", "team", "inspected_on", "status", "notice_issued_at", "introduction", "findings"}
        _check_keys(record, allowed, f"Cuộc kiểm tra {record.get('unit')}")
        inspection = _upsert(
            Inspection,
            self.result,
            {"plan": plan, "unit": self.unit(record["unit"])},
            {
                "team": teams[record["team"]],
                "inspected_on": _date(record["inspected_on"]),
                "status": record["status"],
                "notice_issued_at": _datetime(record["notice_issued_at"]),
                "introduction": record["introduction"],
            },
        )
        unknown_parts = set(record["findings"]) - set(FindingKind.values)
        if unknown_parts:
            raise DemoDataError(f"Phần kết luận không hợp lệ: {sorted(unknown_parts)}.")
        for kind in FindingKind.values:
            for position, point in enumerate(record["findings"].get(kind, []), start=1):
                self.load_finding(inspection, kind, position, point)

    def load_finding(self, inspection: Inspection, kind: str, position: int, record: dict) -> None:
        _check_keys(record, {"reform_area", "text", "task"}, f"Nội dung {kind} {position} của {inspection}")
        area = self.area(record["reform_area"])
        finding = _upsert(
            Finding,
            self.result,
            {"inspection": inspection, "kind": kind, "position": position},
            {"reform_area": area, "text": record["text"]},
        )
        task = record.get("task")
        if task is None:
            return
        if kind != FindingKind.RECOMMENDATION:
            raise DemoDataError(f"Chỉ kiến nghị mới có nhiệm vụ khắc phục ({kind} {position}).")
        _check_keys(task, {"responsible_unit", "deadline"}, f"Nhiệm vụ của kiến nghị {position}")
        _upsert(
            RemediationTask,
            self.result,
            {"finding": finding},
            {
                "inspection": inspection,
                "responsible_unit": self.unit(task["responsible_unit"]),
                "reform_area": area,
                "description": record["text"],
                "deadline": _date(task["deadline"]),
            },
        )


def load_demo_province(*, path: Path = DEMO_PROVINCE_FILE, password: str = DEMO_PASSWORD) -> LoadResult:
    """Load the demo province. The reform areas it files findings under must
    be loaded first (``load_reform_areas``)."""
    try:
        with transaction.atomic():
            return _Loader(_read(path), password).run()
    except (KeyError, TypeError) as error:
        raise DemoDataError(f"Tệp dữ liệu mẫu thiếu hoặc sai trường: {error!r}.") from error


def load_all_demo(*, password: str = DEMO_PASSWORD) -> LoadResult:
    """Catalogues, then the demo province, in one transaction."""
    with transaction.atomic():
        result = load_reform_areas()
        result.merge(load_demo_province(password=password))
    return result

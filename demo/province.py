"""Load the demo province from ``fixtures/demo_province.json``.

``load_demo_province`` reads units and their succession, demo users, and two
plans built from the seed documents (the 2019 conclusion at huyện Duy
Xuyên, Hương Sơn's 2023 commune inspections). Only for development and
demonstrations: it sets known passwords. Like the reference catalogues
(``cchc.reference``, whose helpers it uses) it is idempotent, validates
every object with ``full_clean()`` and runs in one transaction.

The demo file is a custom format rather than Django's ``loaddata`` format
because ``Unit.save()`` computes the materialized ``path`` that a raw fixture
load would skip. Units are referenced inside the file by a local ``key``.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from cchc.documents import images
from cchc.models import DraftingUnit, Membership, ReformArea, Seal, Signatory, Unit, UnitSuccession, User
from cchc.reference import (
    FIXTURES_DIR,
    FixtureError,
    LoadResult,
    check_keys,
    differs,
    load_reform_areas,
    read_fixture,
    upsert,
)
from cchc.unit_loader import load_official_units
from inspections.choices import FindingKind
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationTask,
    TeamMember,
)

DEMO_PROVINCE_FILE = FIXTURES_DIR / "demo_province.json"

#: The one password of every demo account; the README states it. Published on
#: purpose: ``load_demo`` refuses to run where CCHC_ALLOW_DEMO_DATA is off.
DEMO_PASSWORD = "cchc-demo-2019"  # noqa: S105


class DemoDataError(FixtureError):
    """The demo file is malformed: a reference to a unit the file does not
    define, a finding area that is not in the catalogue."""


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise DemoDataError(f"Thời điểm {value!r} phải ghi kèm múi giờ, ví dụ +07:00.")
    return moment


def _bump_version(instance: models.Model) -> None:
    # A finding edited by the loader is a new version, as in the app.
    if isinstance(instance, Finding):
        instance.version += 1


def _upsert(
    model: type[models.Model], result: LoadResult, lookup: dict[str, Any], values: dict[str, Any]
) -> models.Model:
    return upsert(model, result, lookup, values, before_update=_bump_version)


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
        provinces = self.document.get("official_provinces", [])
        if provinces:
            self.result.merge(load_official_units(provinces=provinces))
        for record in self.document["units"]:
            self.load_unit(record)
        for record in self.document["successions"]:
            self.load_succession(record)
        for record in self.document["users"]:
            self.load_user(record)
        for record in self.document["plans"]:
            self.load_plan(record)
        for record in self.document.get("issuing_bodies", []):
            self.load_issuing_body(record)
        return self.result

    def load_issuing_body(self, record: dict) -> None:
        """A body's drafting units, signatories and seal. The signature and
        seal images are drawn by code and marked "MẪU DEMO"."""
        check_keys(record, {"unit", "drafting_units", "signatories", "seal"}, f"Cơ quan {record.get('unit')}")
        unit = self.unit(record["unit"])
        for item in record["drafting_units"]:
            check_keys(item, {"code", "name", "is_default"}, f"Đơn vị soạn thảo của {unit}")
            _upsert(
                DraftingUnit,
                self.result,
                {"unit": unit, "code": item["code"]},
                {"name": item["name"], "is_default": item["is_default"]},
            )
        for item in record["signatories"]:
            check_keys(
                item,
                {"full_name", "position", "head_title", "valid_from", "valid_to"},
                f"Người ký của {unit}",
            )
            signatory = _upsert(
                Signatory,
                self.result,
                {"unit": unit, "full_name": item["full_name"]},
                {
                    "position": item["position"],
                    "head_title": item["head_title"],
                    "valid_from": _date(item["valid_from"]),
                    "valid_to": _date(item["valid_to"]),
                },
            )
            if not signatory.signature_image:
                signatory.signature_image.save(
                    "signature.png", ContentFile(images.demo_signature_png(signatory.full_name)), save=True
                )
        if record["seal"] and not Seal.objects.filter(unit=unit).exists():
            seal = Seal(unit=unit)
            seal.image.save("seal.png", ContentFile(images.demo_seal_png(unit.name)), save=False)
            seal.full_clean()
            seal.save()
            self.result.record(Seal, "created")

    def load_unit(self, record: dict) -> None:
        if record.get("key") in self.units:
            raise DemoDataError(f"Key đơn vị {record['key']!r} bị trùng.")
        if "official_code" in record or "former_official_code" in record:
            self.units[record["key"]] = self.official_unit(record)
            return
        check_keys(record, self.UNIT_FIELDS, f"Đơn vị {record.get('key')}")
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

    def official_unit(self, record: dict) -> Unit:
        """A unit the official lists loaded, by its code today or before 1/7/2025."""
        check_keys(record, {"key", "official_code", "former_official_code"}, f"Đơn vị {record['key']}")
        if "official_code" in record:
            lookup = {"code": record["official_code"]}
        else:
            lookup = {"former_code": record["former_official_code"]}
        try:
            return Unit.objects.get(**lookup)
        except Unit.DoesNotExist:
            raise DemoDataError(
                f"Đơn vị {record['key']!r} ({lookup}) không có trong các tỉnh đã nạp từ danh mục chính thức."
            ) from None

    def load_succession(self, record: dict) -> None:
        allowed = {"from", "to", "kind", "effective_date", "legal_basis", "is_illustrative"}
        check_keys(record, allowed, f"Kế thừa {record.get('from')} → {record.get('to')}")
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
        check_keys(record, allowed, f"Người dùng {record.get('username')}")
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
        changed = user.pk is None or any(differs(user, name, value) for name, value in values.items())
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
            check_keys(membership, {"unit", "role", "valid_from", "valid_to"}, f"Phân công {user.username}")
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
            if membership.get("valid_to") is None:
                self.result.logins.append((user.username, membership["role"], str(unit)))

    def load_plan(self, record: dict) -> None:
        allowed = {"issuer", "year", "number", "issued_on", "title", "planned_units", "teams", "inspections"}
        check_keys(record, allowed, f"Kế hoạch {record.get('number')}")
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
        check_keys(record, allowed, f"Đoàn {record.get('decision_number')}")
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
            check_keys(member, {"full_name", "position", "organisation", "role"}, f"Thành viên đoàn {team}")
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
        check_keys(record, allowed, f"Cuộc kiểm tra {record.get('unit')}")
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
        check_keys(record, {"reform_area", "text", "task"}, f"Nội dung {kind} {position} của {inspection}")
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
        check_keys(task, {"responsible_unit", "deadline"}, f"Nhiệm vụ của kiến nghị {position}")
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
            return _Loader(read_fixture(path), password).run()
    except (KeyError, TypeError) as error:
        raise DemoDataError(f"Tệp dữ liệu mẫu thiếu hoặc sai trường: {error!r}.") from error


def load_all_demo(*, password: str = DEMO_PASSWORD, today: datetime.date | None = None) -> LoadResult:
    """Catalogues, the demo province, then its living part dated from
    ``today`` (by default the day it runs; ``demo.living``), in one
    transaction."""
    from .living import load_living_demo, redate_history

    since = timezone.now()
    with transaction.atomic():
        result = load_reform_areas()
        result.merge(load_demo_province(password=password))
        load_living_demo(today=today, result=result)
        redate_history(since)
    return result

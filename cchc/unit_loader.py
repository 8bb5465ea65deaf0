"""Load provinces from the official lists (``cchc.unit_lists``): today's
province and its communes, the tree before 1 July 2025 that became it, the
successions between them, and the province's own bodies (sở, ban, ngành).

Natural keys: a unit of today's list is found by ``code``; a unit of the old
list by ``former_code`` (or by ``code`` when that code was not given to a
new unit, so a unit typed in by hand is adopted rather than doubled); a
succession by its two units; a body by its province and its
``document_symbol``.

Re-running changes nothing. A newer version of the lists updates the names
of units and adds units and successions; it never moves a unit, changes its
dates or removes anything (history is not rewritten by a list). A body is
created once and is the administrator's to edit afterwards; a legal basis is
filled in where it was empty and never overwritten.

The writes are in bulk (``bulk_create``/``bulk_update``), in one
transaction, so the 34 provinces load in seconds; since bulk writes send no
``post_save``, the loader sends ``units_loaded`` once when it changed
something.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from .choices import UnitKind
from .models import Unit, UnitSuccession
from .reference import FIXTURES_DIR, LoadResult
from .signals import units_loaded
from .text import fold
from .unit_lists import FIRST_DAY_2025, LAST_DAY_2025, ListedUnit, NationalList, read_national_list

OFFICIAL_UNITS_FILE = FIXTURES_DIR / "official_units.json"
BATCH = 1000
_RESOLUTION = re.compile(r"Nghị quyết số \S+")


class UnknownProvince(ValueError):
    pass


@dataclass
class UnitsLoadResult(LoadResult):
    problems: list[str] = field(default_factory=list)
    version: str = ""
    provinces: list[str] = field(default_factory=list)


def read_rules(path=OFFICIAL_UNITS_FILE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _search_key(unit: Unit) -> str:
    return fold(f"{unit.name} {unit.short_name} {unit.code}")


class _Plan:
    """One pass: what the selected provinces need, against what exists."""

    def __init__(self, national: NationalList, codes: list[str], rules: dict, result: UnitsLoadResult):
        self.national = national
        self.codes = codes
        self.rules = rules
        self.result = result
        self.reused = set(national.provinces) | set(national.communes)
        self.by_code: dict[str, Unit] = {}
        self.by_former: dict[str, Unit] = {}
        for unit in Unit.objects.filter(~Q(code="") | ~Q(former_code="")):
            if unit.code:
                self.by_code[unit.code] = unit
            if unit.former_code:
                self.by_former[unit.former_code] = unit
        self.new: dict[str, Unit] = {}  # today's code -> unit
        self.old: dict[str, Unit] = {}  # former code -> unit
        self.changed_units: list[Unit] = []

    # --- units ---------------------------------------------------------

    @staticmethod
    def values(listed: ListedUnit) -> dict:
        return {"name": listed.body_name, "short_name": listed.body_short_name, "place_name": listed.place}

    def find_old(self, listed: ListedUnit) -> Unit | None:
        unit = self.by_former.get(listed.code)
        if unit is None and listed.code not in self.reused:
            unit = self.by_code.get(listed.code)
            if unit is not None and unit.former_code:
                unit = None  # that code now names another unit's successor
        return unit

    def place(self, listed: ListedUnit, existing: Unit | None, parent: Unit | None, **create) -> Unit:
        values = self.values(listed)
        if existing is not None:
            changed = [name for name, value in values.items() if getattr(existing, name) != value]
            for name, extra in create.items():
                if name in ("code", "former_code") and extra and not getattr(existing, name):
                    changed.append(name)
                    values[name] = extra
            if changed:
                for name in changed:
                    setattr(existing, name, values[name])
                existing.search_key = _search_key(existing)
                self.changed_units.append(existing)
                self.result.record(Unit, "updated")
            else:
                self.result.record(Unit, "unchanged")
            return existing
        unit = Unit(parent=parent, document_symbol="UBND", **values, **create)
        unit.search_key = _search_key(unit)
        unit.full_clean(
            exclude=["parent", "path", "search_key"], validate_unique=False, validate_constraints=False
        )
        self.result.record(Unit, "created")
        return unit

    def run_units(self) -> None:
        national = self.national
        pending: list[Unit] = []

        def keep(unit: Unit) -> Unit:
            if unit.pk is None:
                pending.append(unit)
            return unit

        # Provinces: today's, and those that went into them.
        former_provinces: list[str] = []
        for code in self.codes:
            listed = national.provinces[code]
            olds = national.former_provinces_of(code)
            former_provinces += olds
            if olds == [code]:  # a province that was not merged goes on as the same unit
                existing = self.by_code.get(code) or self.by_former.get(code)
                unit = keep(
                    self.place(listed, existing, None, kind=UnitKind.PROVINCE, code=code, former_code=code)
                )
                self.new[code] = self.old[code] = unit
                continue
            unit = self.place(
                listed,
                self.by_code.get(code),
                None,
                kind=UnitKind.PROVINCE,
                code=code,
                valid_from=FIRST_DAY_2025,
            )
            self.new[code] = keep(unit)
            for old_code in olds:
                old = national.former_provinces[old_code]
                self.old[old_code] = keep(
                    self.place(
                        old,
                        self.find_old(old),
                        None,
                        kind=UnitKind.PROVINCE,
                        code="" if old_code in self.reused else old_code,
                        former_code=old_code,
                        valid_to=LAST_DAY_2025,
                    )
                )
        self.flush(pending)

        wanted = set(former_provinces)
        districts = [d for d in national.former_districts.values() if d.parent_code in wanted]
        for listed in sorted(districts, key=lambda d: d.code):
            self.old[listed.code] = keep(self.former(listed, UnitKind.DISTRICT))
        self.flush(pending)

        district_codes = {d.code for d in districts}
        communes = [c for c in national.former_communes.values() if c.parent_code in district_codes]
        for listed in sorted(communes, key=lambda c: c.code):
            self.old[listed.code] = keep(self.former(listed, UnitKind.COMMUNE))
        wanted_new = set(self.codes)
        for listed in sorted(national.communes.values(), key=lambda c: c.code):
            if listed.parent_code in wanted_new:
                unit = self.place(
                    listed,
                    self.by_code.get(listed.code),
                    self.new[listed.parent_code],
                    kind=UnitKind.COMMUNE,
                    code=listed.code,
                    valid_from=FIRST_DAY_2025,
                )
                self.new[listed.code] = keep(unit)
        self.flush(pending)
        if self.changed_units:
            Unit.objects.bulk_update(
                self.changed_units,
                ["name", "short_name", "place_name", "code", "former_code", "search_key"],
                batch_size=BATCH,
            )

    def former(self, listed: ListedUnit, kind: str) -> Unit:
        code = listed.code
        return self.place(
            listed,
            self.find_old(listed),
            self.old[listed.parent_code],
            kind=kind,
            code="" if code in self.reused else code,
            former_code=code,
            valid_to=LAST_DAY_2025,
        )

    def flush(self, pending: list[Unit]) -> None:
        """Create the pending units of one level, then their tree paths."""
        if not pending:
            return
        for unit in pending:
            if unit.parent is not None:
                unit.parent_id = unit.parent.pk
            unit.path = ""
        Unit.objects.bulk_create(pending, batch_size=BATCH)
        for unit in pending:
            unit.path = f"{unit.parent.path if unit.parent is not None else '/'}{unit.pk}/"
        Unit.objects.bulk_update(pending, ["path"], batch_size=BATCH)
        pending.clear()

    # --- successions ---------------------------------------------------

    def legal_basis(self, link, successor: Unit) -> str:
        rules = self.rules
        if link.level == "province":
            return rules["province_merge"]
        province = self.national.communes[link.code].parent_code
        commune = rules["commune_resolutions"].get(province, "")
        if link.level == "district":
            short = _RESOLUTION.match(commune)
            return "; ".join(part for part in (rules["district_end"], short and short.group(0)) if part)
        return commune

    def run_links(self) -> None:
        ids = {unit.pk for unit in self.old.values()}
        existing = {
            (link.predecessor_id, link.successor_id): link
            for link in UnitSuccession.objects.filter(predecessor_id__in=ids)
        }
        to_create, to_update = [], []
        note = f"Theo danh mục {self.national.version}."
        for link in self.national.links:
            predecessor = self.old.get(link.former_code)
            successor = self.new.get(link.code)
            if predecessor is None or successor is None or predecessor.pk == successor.pk:
                continue
            basis = self.legal_basis(link, successor)
            found = existing.get((predecessor.pk, successor.pk))
            if found is None:
                new = UnitSuccession(
                    predecessor=predecessor,
                    successor=successor,
                    kind=link.kind,
                    effective_date=FIRST_DAY_2025,
                    legal_basis=basis,
                    note=note,
                )
                existing[(predecessor.pk, successor.pk)] = new
                to_create.append(new)
                self.result.record(UnitSuccession, "created")
            elif basis and not found.legal_basis:
                found.legal_basis = basis
                to_update.append(found)
                self.result.record(UnitSuccession, "updated")
            else:
                self.result.record(UnitSuccession, "unchanged")
        UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH)
        UnitSuccession.objects.bulk_update(to_update, ["legal_basis"], batch_size=BATCH)

    # --- bodies ----------------------------------------------------------

    def run_bodies(self) -> None:
        provinces = [self.new[code] for code in self.codes]
        have = set(
            Unit.objects.filter(parent__in=provinces)
            .exclude(document_symbol="")
            .values_list("parent_id", "document_symbol")
        )
        pending = []
        for province in provinces:
            listed = self.national.provinces[province.code]
            for body in self.rules["bodies"]:
                if (province.pk, body["document_symbol"]) in have:
                    self.result.record(Unit, "unchanged")
                    continue
                unit = Unit(
                    parent=province,
                    name=f"{body['name']} {listed.type_word} {listed.place}",
                    short_name=body.get("short_name", body["name"]),
                    kind=body["kind"],
                    document_symbol=body["document_symbol"],
                    place_name=listed.place,
                    valid_from=province.valid_from,
                )
                unit.search_key = _search_key(unit)
                unit.full_clean(exclude=["parent", "path", "search_key"], validate_unique=False)
                pending.append(unit)
                self.result.record(Unit, "created")
        self.flush(pending)


def load_official_units(
    *,
    provinces: Iterable[str] | None = None,
    national: NationalList | None = None,
    bodies: bool = True,
    rules: dict | None = None,
) -> UnitsLoadResult:
    """Load today's provinces ``provinces`` (codes, e.g. ``["48"]``; all 34
    when None), their former provinces, districts and communes, the
    successions between them and, with ``bodies``, each province's default
    bodies. Returns counts and the problems of the lists that concern them."""
    national = national or read_national_list()
    rules = rules or read_rules()
    codes = sorted(national.provinces) if provinces is None else sorted({str(c).zfill(2) for c in provinces})
    unknown = [code for code in codes if code not in national.provinces]
    if unknown:
        raise UnknownProvince(
            f"Không có tỉnh với mã {', '.join(unknown)} trong danh mục ({national.version})."
        )
    result = UnitsLoadResult(version=national.version, provinces=codes)
    result.problems = _problems_of(national, codes)
    with transaction.atomic():
        plan = _Plan(national, codes, rules, result)
        plan.run_units()
        plan.run_links()
        if bodies:
            plan.run_bodies()
        if result.changed:
            units_loaded.send(sender=Unit, provinces=codes)
    return result


def _problems_of(national: NationalList, codes: list[str]) -> list[str]:
    wanted = set(codes) | {""}
    return [message for province, message in national.problems if province in wanted]


def describe_load(result: UnitsLoadResult) -> list[str]:
    """What a load did, a line each (the command prints them; the admin page
    shows them)."""
    lines = [f"Danh mục: {result.version}; tỉnh: {', '.join(result.provinces)}."]
    for label, counter in (
        ("mới", result.created),
        ("cập nhật", result.updated),
        ("không đổi", result.unchanged),
    ):
        if counter:
            lines.append(
                f"{label}: " + ", ".join(f"{count} {name}" for name, count in sorted(counter.items()))
            )
    if result.problems:
        lines.append(f"{len(result.problems)} điểm không nạp vì hai danh mục không khớp hoặc thiếu ánh xạ:")
        lines += [f"  - {problem}" for problem in result.problems]
    return lines

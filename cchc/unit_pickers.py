"""Ways to pick units for a form, declared by the apps that know them, e.g.
"the ten lowest-ranked units of last year's PAR index" for next year's
inspection plan. The kernel declares the registry; an app declares its
pickers in a module named ``unit_pickers`` (found at start-up by
``CchcConfig.ready``), so a form of one app can offer another's without
importing it::

    register(UnitPicker(key="par_lowest", label=..., pick=lowest_ranked))

``pick(province, year, count)`` returns units, the first the most in need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitPicker:
    key: str
    label: str
    pick: Callable[..., list] = field(compare=False)


_PICKERS: dict[str, UnitPicker] = {}


def register(picker: UnitPicker) -> UnitPicker:
    _PICKERS[picker.key] = picker
    return picker


def get(key: str) -> UnitPicker | None:
    return _PICKERS.get(key)


def declared() -> list[UnitPicker]:
    return list(_PICKERS.values())

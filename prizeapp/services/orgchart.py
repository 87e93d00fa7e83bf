"""The organisation chart: organisations, their directions and services."""
from __future__ import annotations

from ..enums import UnitKind
from ..extensions import db
from ..models import OrgUnit


def units_in_tree_order() -> list[tuple[OrgUnit, int]]:
    """Every unit with its depth, each organisation followed by its directions and their services."""
    units = db.session.scalars(db.select(OrgUnit)).all()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name.casefold()):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def ensure_unit(*, name: str, kind: UnitKind, parent: OrgUnit | None = None, acronym: str | None = None) -> OrgUnit:
    """The unit of that name under that parent, created if missing (idempotent loaders use this)."""
    same_parent = OrgUnit.parent_id.is_(None) if parent is None else OrgUnit.parent_id == parent.id
    unit = db.session.scalar(db.select(OrgUnit).where(OrgUnit.name == name, same_parent))
    if unit is None:
        unit = OrgUnit(name=name, kind=kind, parent=parent, acronym=acronym)
        db.session.add(unit)
        db.session.flush()
    return unit

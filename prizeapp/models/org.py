from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import UnitKind
from ..extensions import db
from .types import str_enum


class OrgUnit(db.Model):
    """A node of the organisation chart: organisation → direction → service."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    siret: Mapped[str | None] = mapped_column(String(14))  # of an organisation: the open data's identifier
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.name")

    def lineage(self) -> list[OrgUnit]:
        """This unit and its ancestors, from the organisation down to this unit."""
        chain: list[OrgUnit] = []
        unit: OrgUnit | None = self
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        return " › ".join(u.acronym or u.name for u in self.lineage())

    def __repr__(self) -> str:
        return f"<OrgUnit {self.id} {self.kind.value} {self.name!r}>"

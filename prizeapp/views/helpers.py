"""Small helpers the blueprints share."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..models import OrgUnit
from ..services.orgchart import units_in_tree_order

NO_UNIT = 0


def unit_choices() -> list[SelectChoice]:
    """Options of the unit select: one group per organisation, its units indented by depth."""
    choices = [SelectChoice(NO_UNIT, str(_l("— Outside the administrations listed here —")))]
    organisation = None
    for unit, depth in units_in_tree_order():
        if depth == 0:
            organisation = unit.name
        choices.append(SelectChoice(unit.id, "\u2003" * depth + unit.name, optgroup=organisation))
    return choices


def unit_from_choice(value: int | None) -> OrgUnit | None:
    return db.session.get(OrgUnit, value) if value else None


def client_ip() -> str:
    from flask import request

    return request.remote_addr or "unknown"

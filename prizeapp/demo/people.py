"""The demo's organisations and people (organisations.toml): the org chart, the accounts, their call roles."""
from __future__ import annotations

from dataclasses import dataclass

from ..enums import CallRoleKind, Locale, UnitKind
from ..extensions import db
from ..models import Call, CallRole, OrgUnit, User
from ..models.types import utcnow
from ..services.accounts import hash_password
from ..services.calls import slugify
from ..services.orgchart import ensure_unit
from .resources import load

DEMO_PASSWORD = "demo-prizeapp-2026"

_DATA = load("organisations")

# organisation → direction → services, by (name, acronym)
ORG_CHART: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = {
    (org["name"], org["acronym"]): {(d["name"], d["acronym"]): d["services"] for d in org["directions"]}
    for org in _DATA["organisations"]
}
DOMAINS = {org["acronym"]: org["domain"] for org in _DATA["organisations"]}
OUTSIDE_DOMAIN: str = _DATA["outside_domain"]
FIRST_NAMES: list[str] = _DATA["first_names"]
LAST_NAMES: list[str] = _DATA["last_names"]

DIRECTION_OF = {service: direction for org in ORG_CHART.values()
                for (_, direction), services in org.items() for service in services}
DIRECTION_OF.update({direction: direction for org in ORG_CHART.values() for (_, direction) in org})
ORG_OF_DIRECTION = {direction: org_acronym for (_, org_acronym), org in ORG_CHART.items() for (_, direction) in org}
DIRECTION_NAMES = {acronym: name for org in ORG_CHART.values() for (name, acronym) in org}
SERVICES_OF = {direction: services for org in ORG_CHART.values() for (_, direction), services in org.items()}
# The directions of the local authorities: their projects speak of a city.
CITY_DIRECTIONS = {d["acronym"] for org in _DATA["organisations"] if org.get("city") for d in org["directions"]}


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    org: str | None  # acronym of an organisation or direction of ORG_CHART; None: outside the org chart
    unit_name: str | None  # a service of ORG_CHART, or a direction's acronym; None: the unit is `org`
    roles: tuple[str, ...] = ()
    admin: bool = False
    generated: bool = False

    @property
    def email(self) -> str:
        if self.org is None:
            return f"{slugify(self.first)}.{slugify(self.last)}@{OUTSIDE_DOMAIN}"
        domain = DOMAINS.get(self.org) or DOMAINS[ORG_OF_DIRECTION[self.org]]
        return f"{slugify(self.first)}.{slugify(self.last)}@{domain}"

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def direction(self) -> str | None:
        return DIRECTION_OF.get(self.unit_name or self.org or "")

    @property
    def unit_label(self) -> str:
        """The full name of the person's unit ("Direction interministérielle du numérique", "Service propreté")."""
        name = self.unit_name or self.org or ""
        return DIRECTION_NAMES.get(name, name)


NAMED = [Person(p["first"], p["last"], p.get("org"), p.get("unit"), tuple(p.get("roles", ())), p.get("admin", False))
         for p in _DATA["people"]]
NAMED_APPLICANTS = [p for p in NAMED if not p.roles and not p.admin and p.direction is not None]


def by_login(users: dict[str, User]) -> dict[str, User]:
    """The demo's accounts by the start of their address ("sophie.martin")."""
    return {email.split("@")[0]: user for email, user in users.items()}


def org_chart() -> dict[str, OrgUnit]:
    """The org chart's units, created when missing, by acronym (organisations, directions) or name (services)."""
    units: dict[str, OrgUnit] = {}
    for (org_name, org_acronym), directions in ORG_CHART.items():
        org = ensure_unit(name=org_name, acronym=org_acronym, kind=UnitKind.ORGANISATION)
        units[org_acronym] = org
        for (dir_name, dir_acronym), services in directions.items():
            direction = ensure_unit(name=dir_name, acronym=dir_acronym, kind=UnitKind.DIRECTION, parent=org)
            units[dir_acronym] = direction
            for service_name in services:
                units[service_name] = ensure_unit(name=service_name, kind=UnitKind.SERVICE, parent=direction)
    return units


def accounts(people: list[Person], units: dict[str, OrgUnit]) -> dict[str, User]:
    """The demo accounts by email, created when missing (one shared password, hashed once and only if needed)."""
    emails = [p.email for p in people]
    users = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_(emails)))}
    password_hash = None
    for person in people:
        if person.email in users:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = User(email=person.email, password_hash=password_hash, first_name=person.first,
                    last_name=person.last, locale=Locale.FR, is_admin=person.admin,
                    unit=units.get(person.unit_name or person.org) if person.org else None,
                    email_confirmed_at=utcnow())
        db.session.add(user)
        users[person.email] = user
    db.session.flush()
    return users


def call_roles(users: dict[str, User], calls: dict[str, Call]) -> None:
    """The named people's roles in the calls ("organiser:prix"), granted when missing."""
    query = (db.select(CallRole.call_id, CallRole.user_id, CallRole.role)
             .where(CallRole.call_id.in_([c.id for c in calls.values()])))
    existing = {tuple(row) for row in db.session.execute(query)}
    for person in NAMED:
        for spec in person.roles:
            role_name, call_key = spec.split(":")
            role, call, user = CallRoleKind(role_name), calls[call_key], users[person.email]
            if (call.id, user.id, role) not in existing:
                db.session.add(CallRole(call=call, user=user, role=role))
    db.session.flush()

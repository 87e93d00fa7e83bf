"""A realistic demo platform: two organisations, ~40 people in every role, two calls with the SGMAP grid.

Idempotent: people, units and calls are found by their natural keys and created only when missing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..enums import CallKind, CallPhase, CallRoleKind, Locale, UnitKind
from ..extensions import db
from ..models import Call, CallRole, Criterion, OrgUnit, User
from ..models.types import utcnow
from .accounts import hash_password
from .orgchart import ensure_unit

DEMO_PASSWORD = "demo-prizeapp-2026"
PARIS = ZoneInfo("Europe/Paris")

LEVELS_1_5 = {"1": "insuffisant", "2": "faible", "3": "correct", "4": "bon", "5": "excellent"}

SGMAP_GRID = [
    ("Innovation", "Ce qui est nouveau pour le service public : usage, organisation, technique.", 25),
    ("Impact", "Impact pour les usagers et les agents, et la manière dont il est mesuré.", 25),
    ("Modèle économique", "Coûts, financement, soutenabilité au-delà de la phase d'expérimentation.", 15),
    ("Essaimage", "Un autre territoire ou une autre administration pourrait-il le reprendre ?", 20),
    ("Faisabilité et équipe", "Calendrier, compétences réunies, risques identifiés.", 15),
]

# organisation → direction → services
ORG_CHART = {
    ("Ministère de la Transformation et de la Fonction publiques", "MTFP"): {
        ("Direction interministérielle de la transformation publique", "DITP"): [
            "Service accompagnement des projets", "Service innovation et méthodes",
        ],
        ("Direction générale de l'administration et de la fonction publique", "DGAFP"): [
            "Service des parcours de carrière", "Service de la formation",
        ],
        ("Direction interministérielle du numérique", "DINUM"): [
            "Service produits numériques", "Service données et API",
        ],
    },
    ("Ville de Beaulieu-sur-Loire", "Beaulieu"): {
        ("Direction des solidarités", "DSOL"): ["Service petite enfance", "Centre communal d'action sociale"],
        ("Direction de l'espace public", "DEP"): ["Service propreté", "Service mobilités"],
        ("Direction du numérique et de l'innovation", "DNI"): ["Service relation usagers", "Laboratoire d'innovation"],
    },
}

PEOPLE = [
    # (first, last, org acronym, unit name or None, roles, admin)
    ("Claire", "Admin", "MTFP", "Service innovation et méthodes", [], True),
    ("Sophie", "Martin", "MTFP", "Service accompagnement des projets", ["organiser:prix", "organiser:aap"], False),
    ("Karim", "Benali", "Beaulieu", "Laboratoire d'innovation", ["organiser:aap"], False),
    ("Hélène", "Dubois", "MTFP", "Service de la formation", ["jury:prix"], False),
    ("Philippe", "Moreau", "DITP", None, ["jury:prix"], False),
    ("Nathalie", "Lefèvre", "Beaulieu", "Centre communal d'action sociale", ["jury:aap"], False),
    ("Jean-Marc", "Girard", "DGAFP", None, ["jury:prix", "jury:aap"], False),
    ("Isabelle", "Roux", "Beaulieu", "Service mobilités", ["jury:aap"], False),
    ("Thomas", "Fournier", "MTFP", "Service produits numériques", ["reviewer:prix"], False),
    ("Camille", "Lambert", "MTFP", "Service données et API", ["reviewer:prix"], False),
    ("Julien", "Bonnet", "MTFP", "Service des parcours de carrière", ["reviewer:prix"], False),
    ("Émilie", "François", "MTFP", "Service de la formation", ["reviewer:prix"], False),
    ("Nicolas", "Mercier", "MTFP", "Service innovation et méthodes", ["reviewer:prix"], False),
    ("Aurélie", "Blanc", "MTFP", "Service accompagnement des projets", ["reviewer:prix", "reviewer:aap"], False),
    ("Mathieu", "Guerin", "Beaulieu", "Service propreté", ["reviewer:aap"], False),
    ("Sandrine", "Boyer", "Beaulieu", "Service petite enfance", ["reviewer:aap"], False),
    ("Olivier", "Garnier", "Beaulieu", "Service relation usagers", ["reviewer:aap"], False),
    ("Céline", "Chevalier", "Beaulieu", "Laboratoire d'innovation", ["reviewer:aap"], False),
    ("Stéphane", "Perrin", "MTFP", "Service données et API", ["reviewer:aap"], False),
    ("Laure", "Robin", "MTFP", "Service produits numériques", ["reviewer:prix"], False),
    ("Antoine", "Clement", "Beaulieu", "Service mobilités", ["reviewer:aap"], False),
    ("Manon", "Morin", "MTFP", "Service des parcours de carrière", ["reviewer:prix"], False),
    # Applicants: agents without a call role yet; their submissions come with the calls' forms.
    ("Lucas", "Nicolas", "MTFP", "Service produits numériques", [], False),
    ("Chloé", "Henry", "MTFP", "Service de la formation", [], False),
    ("Hugo", "Roussel", "MTFP", "Service accompagnement des projets", [], False),
    ("Léa", "Mathieu", "MTFP", "Service données et API", [], False),
    ("Louis", "Gautier", "MTFP", "Service des parcours de carrière", [], False),
    ("Inès", "Masson", "Beaulieu", "Service petite enfance", [], False),
    ("Gabriel", "Marchand", "Beaulieu", "Service propreté", [], False),
    ("Jade", "Duval", "Beaulieu", "Service relation usagers", [], False),
    ("Arthur", "Denis", "Beaulieu", "Centre communal d'action sociale", [], False),
    ("Zoé", "Dumont", "Beaulieu", "Service mobilités", [], False),
    ("Raphaël", "Marie", "MTFP", "Service innovation et méthodes", [], False),
    ("Sarah", "Lemaire", "Beaulieu", "Laboratoire d'innovation", [], False),
    ("Adam", "Noël", "DINUM", None, [], False),
    ("Lina", "Meyer", "DGAFP", None, [], False),
    ("Paul", "Dufour", "Beaulieu", "Service relation usagers", [], False),
    ("Eva", "Meunier", "MTFP", "Service produits numériques", [], False),
    ("Nathan", "Brun", "Beaulieu", "Service petite enfance", [], False),
    ("Alice", "Blanchard", None, None, [], False),  # a social innovator from outside the administrations
]

DOMAINS = {"MTFP": "transformation.example.gouv.fr", "Beaulieu": "beaulieu-sur-loire.example.fr"}


@dataclass
class DemoLogin:
    email: str
    roles: str


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_text.lower()).strip("-")


def _paris(days_from_now: int, hour: int) -> datetime:
    day = (utcnow() + timedelta(days=days_from_now)).astimezone(PARIS).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS).astimezone(ZoneInfo("UTC"))


def _org_chart() -> dict[str, OrgUnit]:
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


def _calls(organiser_unit: OrgUnit) -> dict[str, Call]:
    specs = {
        "prix": dict(
            kind=CallKind.INNOVATION_PRIZE,
            title="Prix de l'innovation des agents publics 2026",
            summary="Vous avez changé la façon de servir les usagers ? Présentez votre projet et faites-le "
                    "connaître aux autres administrations.",
            description="Le prix distingue des projets conçus et portés par des agents publics, qui "
                        "améliorent concrètement le service rendu et peuvent être repris ailleurs.\n\n"
                        "Catégories : *relation aux usagers*, *transformation interne*, *transition écologique*.",
            days=(-10, 35, 60, 70, 80),
        ),
        "aap": dict(
            kind=CallKind.CALL_FOR_PROJECTS,
            title="Appel à projets « Territoires d'essaimage » 2026",
            summary="Financement de la reprise, dans un nouveau territoire, d'une innovation publique qui a "
                    "fait ses preuves.",
            description="L'appel soutient les collectivités et services de l'État qui reprennent une "
                        "innovation existante : adaptation, formation des équipes, mesure de l'impact.\n\n"
                        "Montant maximal : 50 000 € par projet.",
            days=(-3, 45, 75, 85, 95),
        ),
    }
    calls: dict[str, Call] = {}
    for key, spec in specs.items():
        slug = _slug(spec["title"])
        call = db.session.scalar(db.select(Call).where(Call.slug == slug))
        if call is None:
            opens, deadline, review_end, deliberation, results = (_paris(d, 12 if i == 1 else 9)
                                                                 for i, d in enumerate(spec["days"]))
            call = Call(slug=slug, kind=spec["kind"], title=spec["title"], summary=spec["summary"],
                        description=spec["description"], phase=CallPhase.OPEN, opens_at=opens,
                        submission_deadline=deadline, review_deadline=review_end,
                        deliberation_at=deliberation, results_at=results, owner_unit=organiser_unit)
            for position, (name, description, weight) in enumerate(SGMAP_GRID, start=1):
                call.criteria.append(Criterion(position=position, name=name, description=description,
                                               weight=weight, scale_min=1, scale_max=5,
                                               level_labels=dict(LEVELS_1_5)))
            db.session.add(call)
            db.session.flush()
        calls[key] = call
    return calls


def load_demo() -> list[DemoLogin]:
    """Create (or complete) the demo data. Returns the demo logins, for printing."""
    units = _org_chart()
    calls = _calls(units["DITP"])
    logins: list[DemoLogin] = []
    password_hash = hash_password(DEMO_PASSWORD)  # one shared demo password: hash it once, not 40 times
    for first, last, org, unit_name, roles, admin in PEOPLE:
        domain = DOMAINS.get(org if org in DOMAINS else "MTFP") if org else "innovation-sociale.example.org"
        email = f"{_slug(first)}.{_slug(last)}@{domain}"
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, password_hash=password_hash, first_name=first,
                        last_name=last, locale=Locale.FR, is_admin=admin,
                        unit=units.get(unit_name or org) if org else None, email_confirmed_at=utcnow())
            db.session.add(user)
            db.session.flush()
        for spec in roles:
            role_name, call_key = spec.split(":")
            role = CallRoleKind(role_name)
            call = calls[call_key]
            exists = db.session.scalar(db.select(CallRole.id).where(
                CallRole.call_id == call.id, CallRole.user_id == user.id, CallRole.role == role))
            if exists is None:
                db.session.add(CallRole(call=call, user=user, role=role))
        label = ", ".join(["admin"] * admin + roles) or "applicant"
        logins.append(DemoLogin(email=email, roles=label))
    db.session.flush()
    return logins

"""A realistic demo platform: two organisations, ~90 people in every role, two calls with the SGMAP grid and
their submissions.

- « Territoires d'essaimage » (call for projects) is open: categories, rules, three organiser questions, a few
  submitted projects with their financing plan (a real PDF) and a few incomplete drafts.
- « Prix de l'innovation des agents publics 2026 » is past its deadline, in review, with 60 submitted projects
  whose texts are composed in demo_texts from themes with a seeded generator: the same on every run. Its
  reviewer pool has profiles, bids, declared conflicts, an applicants' exclusion and an organiser's waiver;
  its assignment is computed and committed, and reviewers of varied leniency have reviewed it (see
  demo_reviews), so that the jury's ranking shows calibration at work.
- The call for projects has a reviewer pool of its own, ready for an assignment to be computed.

Idempotent: people, units, calls and submissions are found by their natural keys (emails, slugs, the
submissions' demo keys) and created only when missing; a call's settings are (re)written only while it has no
submission, which also brings a database loaded by an older demo up to date.
"""
from __future__ import annotations

import io
import random
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from ..enums import (
    BidLevel,
    CallKind,
    CallPhase,
    CallRoleKind,
    ConflictSource,
    Locale,
    MemberRole,
    PoolStatus,
    QuestionKind,
    SubmissionStatus,
    UnitKind,
)
from ..extensions import db
from ..models import (
    Bid,
    Call,
    CallRole,
    ConflictDeclaration,
    ConflictWaiver,
    FormQuestion,
    OrgUnit,
    PoolMember,
    Submission,
    SubmissionMember,
    User,
)
from ..models.types import utcnow
from . import demo_deliberation, demo_reviews
from . import demo_texts as texts
from .accounts import hash_password
from .calls import SGMAP_GRID, default_grid, slugify
from .orgchart import ensure_unit
from .submissions import _next_reference, add_file

DEMO_PASSWORD = "demo-prizeapp-2026"
PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
SEED = 2026
PRIZE_PROJECTS = 60
GENERATED_CO_APPLICANTS_ONLY = 7  # generated people who only join other people's teams

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
    ("Mathieu", "Guerin", "Beaulieu", "Service propreté", ["reviewer:aap", "reviewer:prix"], False),
    ("Sandrine", "Boyer", "Beaulieu", "Service petite enfance", ["reviewer:aap", "reviewer:prix"], False),
    ("Olivier", "Garnier", "Beaulieu", "Service relation usagers", ["reviewer:aap", "reviewer:prix"], False),
    ("Céline", "Chevalier", "Beaulieu", "Laboratoire d'innovation", ["reviewer:aap", "reviewer:prix"], False),
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


DIRECTION_OF = {service: direction for org in ORG_CHART.values()
                for (_, direction), services in org.items() for service in services}
DIRECTION_OF.update({direction: direction for org in ORG_CHART.values() for (_, direction) in org})
CITY_DIRECTIONS = {direction for (_, direction) in ORG_CHART[("Ville de Beaulieu-sur-Loire", "Beaulieu")]}
ORG_OF_DIRECTION = {direction: org_acronym for (_, org_acronym), org in ORG_CHART.items() for (_, direction) in org}
DIRECTION_NAMES = {acronym: name for org in ORG_CHART.values() for (name, acronym) in org}
SERVICES_OF = {direction: services for org in ORG_CHART.values() for (_, direction), services in org.items()}

# Generated applicants' names: common French first and last names.
FIRST_NAMES = [
    "Amandine", "Baptiste", "Bérénice", "Benoît", "Capucine", "Cédric", "Clémence", "Damien", "Delphine",
    "Élodie", "Fabien", "Florence", "Franck", "Gaëlle", "Grégory", "Hélène", "Jérôme", "Joséphine", "Karine",
    "Kévin", "Laetitia", "Laurent", "Ludovic", "Magali", "Marion", "Maxime", "Mélanie", "Morgane", "Nadia",
    "Noémie", "Océane", "Pascal", "Pauline", "Quentin", "Rachid", "Romain", "Samia", "Sébastien", "Solène",
    "Sylvie", "Thibault", "Valérie", "Vincent", "Virginie", "Yannick", "Yasmine", "Agnès", "Bruno", "Cyril",
    "Estelle", "Fatima", "Guillaume", "Ibrahim", "Justine", "Mickaël", "Ophélie", "Rémi", "Séverine",
]
LAST_NAMES = [
    "Arnaud", "Barbier", "Baron", "Bertrand", "Bourgeois", "Caron", "Carpentier", "Colin", "Collet",
    "Da Silva", "Daniel", "David", "Dupuis", "Fabre", "Faure", "Fontaine", "Gaillard", "Gauthier",
    "Germain", "Guillaume", "Hamon", "Hubert", "Jacob", "Joly", "Klein", "Lacroix", "Lainé", "Langlois",
    "Leclerc", "Legrand", "Lemoine", "Le Gall", "Leroux", "Lucas", "Maréchal", "Martinez", "Ménard",
    "Mallet", "Muller", "Nguyen", "Olivier", "Pelletier", "Perrot", "Picard", "Poirier", "Prévost",
    "Renard", "Renaud", "Rey", "Rivière", "Rolland", "Schmitt", "Vidal", "Weber", "Benoit", "Bouvier",
    "Cousin", "Haddad", "Tessier", "Vasseur",
]


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
            return f"{slugify(self.first)}.{slugify(self.last)}@innovation-sociale.example.org"
        domain = DOMAINS.get(self.org if self.org in DOMAINS else "MTFP")
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


NAMED = [Person(first, last, org, unit, tuple(roles), admin) for first, last, org, unit, roles, admin in PEOPLE]
NAMED_APPLICANTS = [p for p in NAMED if not p.roles and not p.admin and p.direction is not None]


@dataclass
class DemoLogin:
    email: str
    roles: str


@dataclass
class DemoResult:
    """What the demo holds, for printing: the named people's logins, the generated applicants' emails, and a
    line per call."""

    logins: list[DemoLogin]
    generated: list[str]
    calls: list[str] = field(default_factory=list)


@dataclass
class PrizePlan:
    """One prize project, decided before touching the database (so the seeded draws never depend on it)."""

    key: str
    lead: Person
    co_applicants: list[Person]
    text: texts.ProjectText
    hours_before_deadline: float  # when it was submitted
    writing_days: float  # how long before that it was started


def _paris(now: datetime, days_from_now: int, hour: int) -> datetime:
    """A working day about `days_from_now` days away (a weekend moves to the Monday), at `hour` Paris time."""
    day = (now + timedelta(days=days_from_now)).astimezone(PARIS).date()
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS).astimezone(UTC)


def _french(when: datetime, with_time: bool = True) -> str:
    """"jeudi 14 mai 2026 à 12 h", "vendredi 1er janvier 2027"."""
    pattern = "EEEE d MMMM y 'à' H 'h'" if with_time else "EEEE d MMMM y"
    text = format_datetime(when, pattern, tzinfo=PARIS, locale="fr")
    return re.sub(r"^(\w+) 1 ", r"\1 1er ", text)


# --- the plan: generated people and prize projects, from the seed alone -----------------------------------

def _generated_people(r: random.Random) -> list[Person]:
    """Enough applicants for every direction to carry PRIZE_PROJECTS / 6 prize projects, plus a few who only
    join teams; placed in the services of the org chart (sometimes in the direction itself, at the ministry)."""
    taken = {p.email for p in NAMED}
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    r.shuffle(names)
    directions = list(SERVICES_OF)
    per_direction = PRIZE_PROJECTS // len(directions)
    needed = {d: per_direction - sum(p.direction == d for p in NAMED_APPLICANTS) for d in directions}
    for _ in range(GENERATED_CO_APPLICANTS_ONLY):
        needed[r.choice(directions)] += 1
    people: list[Person] = []
    for direction in directions:
        for _ in range(needed[direction]):
            first, last = names.pop()
            unit = direction if direction not in CITY_DIRECTIONS and r.random() < 0.15 else \
                r.choice(SERVICES_OF[direction])
            person = Person(first, last, ORG_OF_DIRECTION[direction], unit, generated=True)
            while person.email in taken:  # two people of the same name would share an address
                first, last = names.pop()
                person = Person(first, last, ORG_OF_DIRECTION[direction], unit, generated=True)
            taken.add(person.email)
            people.append(person)
    return people


def _prize_plans(r: random.Random, generated: list[Person]) -> list[PrizePlan]:
    applicants = NAMED_APPLICANTS + generated
    by_direction: dict[str, list[Person]] = {}
    for person in applicants:
        by_direction.setdefault(person.direction, []).append(person)
    # Every named applicant leads one project; the generated ones fill each direction up to its share.
    per_direction = PRIZE_PROJECTS // len(by_direction)
    leads = []
    for direction, people in by_direction.items():
        named = [p for p in people if not p.generated]
        leads += named + [p for p in people if p.generated][: per_direction - len(named)]
    r.shuffle(leads)
    theme_uses = {i: 0 for i in range(len(texts.THEMES))}
    co_counts = {p.email: 0 for p in applicants}
    plans = []
    for n, lead in enumerate(leads, start=1):
        candidates = [i for i, t in enumerate(texts.THEMES) if t.direction == lead.direction]
        fewest = min(theme_uses[i] for i in candidates)
        theme_index = r.choice([i for i in candidates if theme_uses[i] == fewest])
        use = theme_uses[theme_index]
        theme_uses[theme_index] += 1
        team_size = r.choices((0, 1, 2), weights=(60, 30, 10))[0]
        pool = [p for p in by_direction[lead.direction] if p != lead and co_counts[p.email] < 2]
        co_applicants = r.sample(pool, min(team_size, len(pool)))
        for person in co_applicants:
            co_counts[person.email] += 1
        text = texts.compose(r, texts.THEMES[theme_index], use, city=lead.direction in CITY_DIRECTIONS,
                             unit_phrase=texts.unit_phrase(lead.unit_label),
                             co_applicants=len(co_applicants))
        # Many projects arrive in the last two days; two of them a few minutes before the deadline.
        if n in (7, 31):
            hours = r.uniform(0.05, 0.3)
        elif r.random() < 0.45:
            hours = r.uniform(0.5, 48)
        else:
            hours = r.uniform(48, 40 * 24)
        plans.append(PrizePlan(key=f"demo-prix-{n:02d}", lead=lead, co_applicants=co_applicants, text=text,
                               hours_before_deadline=hours, writing_days=r.uniform(1, 30)))
    return plans


# --- the database -----------------------------------------------------------------------------------------

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


def _people(people: list[Person], units: dict[str, OrgUnit]) -> dict[str, User]:
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


def _roles(users: dict[str, User], calls: dict[str, Call]) -> None:
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


def _grid_text() -> str:
    return "\n".join(f"- **{name}** ({weight} %) : {description[:1].lower() + description[1:]}"
                     for name, description, weight in SGMAP_GRID)


def _prize_rules(call: Call) -> str:
    return f"""## Qui peut candidater ?

Tout agent public, des trois versants de la fonction publique (État, territoriale, hospitalière), titulaire ou
contractuel, seul ou en équipe. Le projet doit fonctionner depuis au moins six mois et présenter des premiers
résultats mesurés. Chaque agent peut porter au plus {call.max_submissions_per_applicant} projets.

## Catégories

- **{texts.USAGERS}** : accueil, simplification des démarches, participation citoyenne ;
- **{texts.INTERNE}** : ressources humaines, santé au travail, management, achats ;
- **{texts.ECOLOGIE}** : sobriété, mobilités, réemploi, alimentation ;
- **{texts.NUMERIQUE}** : services en ligne, données, accessibilité numérique.

## Dotation

Dans chaque catégorie, le lauréat reçoit une dotation de {texts.number(texts.PRIZE_MAX_AMOUNT)} € au plus, et le jury
peut décerner des mentions. La dotation finance l'**essaimage** du projet : documentation, accompagnement d'une
autre équipe, formation. Indiquez dans le champ « montant demandé » la somme souhaitée et, dans la
description, son usage.

## Calendrier

- dépôt des candidatures : du {_french(call.opens_at, False)} au **{_french(call.submission_deadline)}** (heure de Paris) ;
- évaluation par les pairs : jusqu'au {_french(call.review_deadline, False)} ;
- délibération du jury : {_french(call.deliberation_at, False)} ;
- annonce des résultats : {_french(call.results_at, False)}.

## Évaluation

Trois évaluateurs, agents publics eux aussi, notent chaque projet sur la grille suivante, de 1 (insuffisant) à
5 (excellent) :

{_grid_text()}

Les notes sont ensuite harmonisées pour corriger les écarts entre évaluateurs indulgents et sévères ; le jury
délibère sur le classement qui en résulte.

## Engagements des lauréats

Les lauréats acceptent que leur projet soit publié sur la plateforme, et répondent aux demandes d'essaimage
des autres administrations pendant un an.
"""


def _aap_rules(call: Call) -> str:
    return f"""## Objet

L'appel finance la **reprise, dans un nouveau territoire, d'une innovation publique qui a fait ses preuves**
ailleurs : adaptation au contexte local, formation des équipes, mesure de l'impact.

## Qui peut candidater ?

- les collectivités territoriales, leurs groupements et leurs établissements publics (CCAS, syndicats…) ;
- les services de l'État, en administration centrale ou déconcentrés ;
- les associations et entreprises de l'économie sociale et solidaire, en partenariat avec une administration.

L'innovation reprise doit fonctionner ailleurs depuis au moins un an ; le dossier la nomme, avec son
territoire d'origine. Chaque porteur dépose au plus {call.max_submissions_per_applicant} dossiers.

## Montant

Une subvention de 10 000 € à **50 000 €** par projet, dans la limite de 80 % du coût total. Sont éligibles les
dépenses d'adaptation, d'équipement, de formation et d'évaluation ; les dépenses de personnel permanent ne le
sont pas.

## Calendrier

- ouverture : {_french(call.opens_at, False)} ;
- date limite de dépôt : **{_french(call.submission_deadline)}** (heure de Paris) ; un dossier déposé peut
  être modifié jusqu'à cette date ;
- évaluation : jusqu'au {_french(call.review_deadline, False)} ;
- annonce des projets retenus : {_french(call.results_at, False)}.

## Dossier

Le formulaire en ligne, et un **plan de financement** (PDF, ODT ou DOCX) présentant les dépenses et les
recettes du projet.

## Évaluation

Chaque dossier est évalué par trois évaluateurs selon la grille suivante :

{_grid_text()}

Le jury retient les projets au vu du classement harmonisé et de l'équilibre entre territoires.
"""


AAP_CATEGORIES = [texts.USAGERS, texts.INTERNE, texts.ECOLOGIE, "Solidarités et inclusion"]
TERRITORY_TYPES = ["Urbain", "Périurbain", "Rural"]
Q_TERRITORY, Q_AGENTS, Q_FINANCING = "Type de territoire", "Nombre d'agents concernés", "Plan de financement"
AAP_QUESTIONS = [
    dict(kind=QuestionKind.SINGLE_CHOICE, label=Q_TERRITORY, required=True, choices=TERRITORY_TYPES,
         help_text="Le territoire où l'innovation sera reprise."),
    dict(kind=QuestionKind.NUMBER, label=Q_AGENTS, required=False, minimum=Decimal(1), maximum=Decimal(100_000),
         help_text="Agents qui changeront leur façon de travailler avec le projet (une estimation suffit)."),
    dict(kind=QuestionKind.FILE, label=Q_FINANCING, required=True,
         help_text="Dépenses et recettes prévues, cofinancements compris (PDF, ODT ou DOCX)."),
]

CALL_SPECS = {
    "prix": dict(
        kind=CallKind.INNOVATION_PRIZE,
        title="Prix de l'innovation des agents publics 2026",
        summary="Vous avez changé la façon de servir les usagers ? Présentez votre projet et faites-le "
                "connaître aux autres administrations.",
        description="Le prix distingue des projets conçus et portés par des agents publics, qui "
                    "améliorent concrètement le service rendu et peuvent être repris ailleurs.\n\n"
                    "Catégories : *relation aux usagers*, *transformation interne*, *transition écologique*, "
                    "*numérique et données*.",
        # opens, deadline, end of review, deliberation, results: days from now (Paris time)
        days=(-50, -5, 25, 32, 40), phase=CallPhase.REVIEW, categories=texts.PRIZE_CATEGORIES, max_per_applicant=3,
        rules=_prize_rules, questions=[],
    ),
    "aap": dict(
        kind=CallKind.CALL_FOR_PROJECTS,
        title="Appel à projets «\u00a0Territoires d'essaimage\u00a0» 2026",
        summary="Financement de la reprise, dans un nouveau territoire, d'une innovation publique qui a "
                "fait ses preuves.",
        description="L'appel soutient les collectivités et services de l'État qui reprennent une "
                    "innovation existante : adaptation, formation des équipes, mesure de l'impact.\n\n"
                    "Montant maximal : 50 000 € par projet.",
        days=(-15, 30, 60, 70, 80), phase=CallPhase.OPEN, categories=AAP_CATEGORIES, max_per_applicant=2,
        rules=_aap_rules, questions=AAP_QUESTIONS,
    ),
}


def _has_submissions(call: Call) -> bool:
    return db.session.scalar(db.select(Submission.id).where(Submission.call_id == call.id).limit(1)) is not None


def _calls(organiser_unit: OrgUnit, now: datetime) -> dict[str, Call]:
    calls: dict[str, Call] = {}
    for key, spec in CALL_SPECS.items():
        slug = slugify(spec["title"])
        call = db.session.scalar(db.select(Call).where(Call.slug == slug))
        if call is None:
            call = Call(slug=slug, kind=spec["kind"], title=spec["title"], owner_unit=organiser_unit)
            call.criteria = default_grid()
            db.session.add(call)
        elif _has_submissions(call):
            calls[key] = call  # its submissions were written against these settings: leave them be
            continue
        opens, deadline, review_end, deliberation, results = (
            _paris(now, d, 12 if i == 1 else 9) for i, d in enumerate(spec["days"]))
        call.summary, call.description = spec["summary"], spec["description"]
        call.phase, call.categories = spec["phase"], list(spec["categories"])
        call.opens_at, call.submission_deadline, call.review_deadline = opens, deadline, review_end
        call.deliberation_at, call.results_at = deliberation, results
        call.eligible_unit_ids, call.eligible_email_domains = [], []  # open to every confirmed account
        call.max_submissions_per_applicant = spec["max_per_applicant"]
        call.rules = spec["rules"](call)
        if not call.questions:
            for position, question in enumerate(spec["questions"], start=1):
                call.questions.append(FormQuestion(position=position, **question))
        db.session.flush()
        calls[key] = call
    return calls


def minimal_pdf(lines: list[str]) -> bytes:
    """A small valid PDF: one A4 page with the given lines in Helvetica (Windows-1252 for the accents),
    and an exact cross-reference table."""
    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    content = b"BT /F1 11 Tf 56 780 Td 16 TL " + b" ".join(literal(line) + b" '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _financing_pdf(project: texts.AapProject) -> bytes:
    lines = ["Plan de financement", *textwrap.wrap(project.title, 85), ""]
    lines += [f"{label} : {texts.number(amount)} EUR" for label, amount in project.financing]
    return minimal_pdf(lines)


def _existing_keys(keys: list[str]) -> set[str]:
    return set(db.session.scalars(db.select(Submission.creation_key).where(Submission.creation_key.in_(keys))))


def _new_submission(call: Call, key: str, lead: User, co_applicants: list[User], **values) -> Submission:
    submission = Submission(call=call, reference=_next_reference(call), creation_key=key, created_by_id=lead.id,
                            **values)
    submission.members.append(SubmissionMember(user_id=lead.id, role=MemberRole.LEAD,
                                               added_at=values["created_at"]))
    for user in co_applicants:
        submission.members.append(SubmissionMember(user_id=user.id, role=MemberRole.CO_APPLICANT,
                                                   added_at=values["created_at"] + timedelta(hours=2)))
    db.session.add(submission)
    db.session.flush()
    return submission


# The demo's submissions are built directly, not through services.submissions.create_draft/save/submit: those
# enforce the submission period (the prize is past its deadline), and submit() queues a receipt email per team
# member, whose link needs url_for(_external=True) — in `flask demo` there is no request, so no host — and
# which `make run`'s outbox worker would then deliver to ~70 fake addresses. So no email is queued and no
# audit event is written for them. The financing plans do go through services.submissions.add_file (the call
# is open): they are checked and stored exactly like an upload, and add_file records its audit event.

def _aap_submissions(call: Call, users: dict[str, User], now: datetime) -> None:
    by_name = {p.full_name: users[p.email] for p in NAMED}
    keys = [f"demo-{p.key}" for p in texts.AAP_PROJECTS]
    existing = _existing_keys(keys)
    questions = {q.label: q for q in call.questions}
    for project, key in zip(texts.AAP_PROJECTS, keys):
        if key in existing:
            continue
        created = max(now - timedelta(days=project.days_ago), call.opens_at + timedelta(hours=1))
        submitted = created + timedelta(days=project.days_ago * 0.6) if project.submitted else None
        answers = {}
        if project.territory_type and Q_TERRITORY in questions:
            answers[questions[Q_TERRITORY].key] = project.territory_type
        if project.agents is not None and Q_AGENTS in questions:
            answers[questions[Q_AGENTS].key] = project.agents
        lead = by_name[project.lead]
        submission = _new_submission(
            call, key, lead, [by_name[name] for name in project.co_applicants],
            status=SubmissionStatus.DRAFT, title=project.title, summary=project.summary,
            description=project.description, category=project.category, territory=project.territory,
            budget_requested=None if project.budget is None else Decimal(project.budget), answers=answers,
            created_at=created, updated_at=submitted or created + timedelta(hours=3))
        question = questions.get(Q_FINANCING)
        if project.financing and question is not None and question.kind == QuestionKind.FILE:
            record = add_file(submission=submission, user=lead, stream=io.BytesIO(_financing_pdf(project)),
                              filename="Plan de financement.pdf", question_key=question.key)
            record.uploaded_at = (submitted or now) - timedelta(hours=1)
        if project.submitted:
            submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, submitted
    db.session.flush()


def _prize_submissions(call: Call, users: dict[str, User], plans: list[PrizePlan]) -> None:
    existing = _existing_keys([plan.key for plan in plans])
    earliest = call.opens_at + timedelta(hours=2)
    for plan in plans:
        if plan.key in existing:
            continue
        submitted = max(call.submission_deadline - timedelta(hours=plan.hours_before_deadline), earliest)
        created = max(submitted - timedelta(days=plan.writing_days), call.opens_at + timedelta(hours=1))
        text = plan.text
        _new_submission(
            call, plan.key, users[plan.lead.email], [users[p.email] for p in plan.co_applicants],
            status=SubmissionStatus.SUBMITTED, title=text.title, summary=text.summary,
            description=text.description, category=text.category, territory=text.territory,
            budget_requested=Decimal(text.budget_requested), answers={}, created_at=created,
            updated_at=submitted, submitted_at=submitted)
    db.session.flush()


# The prize's reviewer pool: keywords of expertise, themes among the prize's categories, a maximum load for a
# few (None: the call's default).
PRIZE_POOL = {
    "thomas.fournier": (["numérique", "démarches en ligne", "accessibilité", "design de services"],
                        [texts.NUMERIQUE, texts.USAGERS], None),
    "camille.lambert": (["données", "open data", "API", "tableaux de bord"], [texts.NUMERIQUE], 20),
    "julien.bonnet": (["ressources humaines", "recrutement", "mobilité des agents", "carrières"],
                      [texts.INTERNE], None),
    "emilie.francois": (["formation", "management", "compétences", "apprentissage"], [texts.INTERNE], None),
    "nicolas.mercier": (["innovation publique", "design", "expérimentation", "évaluation"],
                        [texts.USAGERS, texts.INTERNE], None),
    "aurelie.blanc": (["accompagnement de projets", "essaimage", "évaluation d'impact"],
                      [texts.USAGERS, texts.ECOLOGIE], 18),
    "laure.robin": (["numérique responsable", "sobriété", "logiciels libres"], [texts.NUMERIQUE, texts.ECOLOGIE],
                    None),
    "manon.morin": (["santé au travail", "qualité de vie au travail", "télétravail"], [texts.INTERNE], None),
    "mathieu.guerin": (["propreté urbaine", "déchets", "réemploi", "économie circulaire"], [texts.ECOLOGIE], None),
    "sandrine.boyer": (["petite enfance", "familles", "accueil du public"], [texts.USAGERS], 10),
    "olivier.garnier": (["accueil des usagers", "simplification", "relation usagers"], [texts.USAGERS], None),
    "celine.chevalier": (["laboratoire d'innovation", "participation citoyenne", "mobilités"],
                         [texts.ECOLOGIE, texts.USAGERS], None),
}


def _prize_pool(call: Call, users: dict[str, User], now: datetime) -> None:
    """The prize's reviewers, accepted, with their profiles and conflict declarations confirmed; bids from a
    seeded generator; two conflicts declared by reviewers, one applicants' exclusion and one organiser's waiver.
    Each row is created only when missing."""
    by_login = {email.split("@")[0]: user for email, user in users.items()}
    members = {m.user_id: m for m in db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id))}
    reviewers = []
    for login, (keywords, themes, max_load) in PRIZE_POOL.items():
        user = by_login[login]
        reviewers.append(user)
        if user.id not in members:
            db.session.add(PoolMember(call_id=call.id, user_id=user.id, status=PoolStatus.ACCEPTED,
                                      keywords=keywords, themes=themes, max_load=max_load, created_at=now,
                                      responded_at=now, conflicts_declared_at=now))
    projects = list(db.session.scalars(db.select(Submission).where(Submission.call_id == call.id,
                                                                   Submission.creation_key.is_not(None))
                                       .order_by(Submission.creation_key)))
    if not projects:
        return
    r = random.Random(SEED + 1)
    existing_bids = {tuple(row) for row in db.session.execute(
        db.select(Bid.submission_id, Bid.reviewer_id).join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.call_id == call.id))}
    levels = (BidLevel.EAGER, BidLevel.WILLING, BidLevel.NOT_INTERESTED)
    for reviewer in reviewers:
        for project in r.sample(projects, 6):  # drawn whatever exists, so that the draws stay the same
            level = r.choices(levels, weights=(3, 4, 2))[0]
            if (project.id, reviewer.id) not in existing_bids:
                db.session.add(Bid(submission_id=project.id, reviewer_id=reviewer.id, level=level, updated_at=now))
    organiser = by_login["sophie.martin"]
    conflicts = [
        (projects[4], by_login["thomas.fournier"], ConflictSource.REVIEWER, "J'ai accompagné ce projet à son "
         "lancement.", by_login["thomas.fournier"]),
        (projects[11], by_login["camille.lambert"], ConflictSource.REVIEWER, "Une amie proche fait partie de "
         "l'équipe.", by_login["camille.lambert"]),
        (projects[20], by_login["nicolas.mercier"], ConflictSource.APPLICANT, "Ancien responsable hiérarchique "
         "de la cheffe de projet.", None),
    ]
    for project, reviewer, source, reason, declared_by in conflicts:
        if db.session.scalar(db.select(ConflictDeclaration.id).where(
                ConflictDeclaration.submission_id == project.id, ConflictDeclaration.reviewer_id == reviewer.id,
                ConflictDeclaration.source == source)) is None:
            lead = next(m.user_id for m in project.members if m.role == MemberRole.LEAD)
            db.session.add(ConflictDeclaration(submission_id=project.id, reviewer_id=reviewer.id, source=source,
                                               reason=reason, declared_by_id=(declared_by.id if declared_by
                                                                              else lead), declared_at=now))
    # The organiser lifts "same direction" for one reviewer and a project of another service of her direction.
    julien = by_login["julien.bonnet"]
    same_direction = next((p for p in projects if any(
        m.role == MemberRole.LEAD and m.user.unit is not None and m.user.unit.parent_id == julien.unit.parent_id
        and m.user.unit_id != julien.unit_id for m in p.members)), None)
    if same_direction is not None and db.session.scalar(db.select(ConflictWaiver.id).where(
            ConflictWaiver.submission_id == same_direction.id, ConflictWaiver.reviewer_id == julien.id)) is None:
        db.session.add(ConflictWaiver(submission_id=same_direction.id, reviewer_id=julien.id, code="same_direction",
                                      reason="Direction de plusieurs centaines d'agents : aucun lien de travail "
                                             "avec l'équipe.", waived_by_id=organiser.id, waived_at=now))
    db.session.flush()


def _call_line(call: Call) -> str:
    query = (db.select(Submission.status, db.func.count(Submission.id))
             .where(Submission.call_id == call.id).group_by(Submission.status))
    counts = {status: n for status, n in db.session.execute(query)}
    return (f"{call.title}: {call.phase.value}, deadline {_french(call.submission_deadline)}; "
            f"{counts.get(SubmissionStatus.SUBMITTED, 0)} submitted, {counts.get(SubmissionStatus.DRAFT, 0)} drafts")


def load_demo() -> DemoResult:
    """Create (or complete) the demo data. Returns what to print."""
    now = utcnow()
    r = random.Random(SEED)
    generated = _generated_people(r)
    plans = _prize_plans(r, generated)
    units = _org_chart()
    calls = _calls(units["DITP"], now)
    users = _people(NAMED + generated, units)
    _roles(users, calls)
    _aap_submissions(calls["aap"], users, now)
    _prize_submissions(calls["prix"], users, plans)
    _prize_pool(calls["prix"], users, now)
    demo_reviews.prize_reviews(calls["prix"], users, now)
    demo_deliberation.prize_votes(calls["prix"], now)
    demo_reviews.aap_pool(calls["aap"], users, now)
    logins = [DemoLogin(email=p.email, roles=", ".join(["admin"] * p.admin + list(p.roles)) or "applicant")
              for p in NAMED]
    return DemoResult(logins=logins, generated=[p.email for p in generated],
                      calls=[_call_line(calls[key]) for key in ("aap", "prix")])

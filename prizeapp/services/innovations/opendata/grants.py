"""A call's awarded amounts as an SCDL « subventions » file (schema.data.gouv.fr): its columns (GRANT_COLUMNS),
the grants of a call once its results are published, and the calls that have such a file.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ....core.localtime import to_local
from ....enums import DecisionOutcome, SubmissionStatus
from ....extensions import db
from ....models import Call, Innovation, Submission
from ....models.decision import Decision
from ....models.org import OrgUnit
from .columns import Column, _french_label, _organisation_of, public_query
from .exports import csv_of

# --- a call's grants, as SCDL « subventions » -----------------------------------------------------------------

SCDL_SCHEMA_URL = "https://schema.data.gouv.fr/scdl/subventions/"
SCDL_VERSION = "2.1.1"
AWARDED = (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION)


@dataclass(frozen=True)
class Grant:
    """One awarded decision with an amount, with what its SCDL row needs."""

    call: Call
    decision: Decision
    submission: Submission
    grantor: OrgUnit | None  # the organisation of the call's owner unit
    beneficiary_name: str
    beneficiary_siret: str


def _paris_day(moment: datetime) -> date:
    return to_local(moment).date()


def _purpose(g: Grant) -> str:
    prize = g.decision.prize or _french_label(DecisionOutcome, g.decision.outcome.value)
    return f"{prize} – {g.submission.title}"[:256]


GRANT_COLUMNS: tuple[Column, ...] = (
    Column("nomAttribuant", "string", _l("Official name of the organisation that awards: the organisation of "
                                         "the call's owner"), "Région Bretagne",
           lambda g: g.grantor.name if g.grantor is not None else ""),
    Column("idAttribuant", "string", _l("SIRET of the organisation that awards (14 digits); empty when the "
                                        "platform does not know it"), "23350001600040",
           lambda g: (g.grantor.siret or "") if g.grantor is not None else ""),
    Column("dateConvention", "date", _l("Date the decision became final: the publication of the call's results "
                                        "(Paris time)"), "2025-06-27",
           lambda g: _paris_day(g.call.results_published_at)),
    Column("referenceDecision", "string", _l("Reference of the decision: the project's reference on the "
                                             "platform"), "AAP-2025-0007", lambda g: g.submission.reference),
    Column("nomBeneficiaire", "string", _l("Official name of the beneficiary: the public organisation of the "
                                           "project's team, never a person"), "Ville d'Exempleville",
           lambda g: g.beneficiary_name),
    Column("idBeneficiaire", "string", _l("SIRET of the beneficiary, when the platform knows it"),
           "21350238800019", lambda g: g.beneficiary_siret),
    Column("rnaBeneficiaire", "string", _l("RNA number of a beneficiary association: always empty here (the "
                                           "beneficiaries are public organisations)"), "", lambda g: ""),
    Column("objet", "string", _l("What the grant is for: the prize and the project's title (256 characters at "
                                 "most)"), "Premier prix – Conciergerie solidaire des aidants", _purpose),
    Column("montant", "number", _l("Amount awarded, in euros"), "10000.00", lambda g: g.decision.amount),
    Column("nature", "string", _l("Nature of the grant: a prize is paid in money"), "aide en numéraire",
           lambda g: "aide en numéraire"),
    Column("conditionsVersement", "string", _l("How it is paid: a prize is paid once"), "unique",
           lambda g: "unique"),
    Column("datesPeriodeVersement", "string", _l("Date of payment: the platform does not record payments, so the "
                                                 "date of the decision"), "2025-06-27",
           lambda g: _paris_day(g.call.results_published_at).isoformat()),
    Column("idRAE", "string", _l("Identifier in the Répertoire des aides aux entreprises: empty (not an aid to "
                                 "businesses)"), "", lambda g: ""),
    Column("notificationUE", "boolean", _l("Whether the aid was notified to the European Commission: no"), "non",
           lambda g: "non"),
    Column("pourcentageSubvention", "number", _l("Share of the amount that goes to this beneficiary: the whole "
                                                 "(1.00)"), "1.00", lambda g: Decimal("1.00")),
    Column("dispositifAide", "string", _l("The scheme the grant comes from: the call's title"),
           "Prix de l'innovation publique 2025", lambda g: g.call.title),
)


def grants(call: Call) -> list[Grant]:
    """The awarded decisions of `call` that carry an amount (laureates, and mentions with one), once its
    results are published; none before. The beneficiary is the organisation of the project's lead (its
    name and SIRET), else the organisation the published record names; never a person's name."""
    if call.results_published_at is None:
        return []
    rows = db.session.execute(
        db.select(Decision, Submission).join(Submission, Submission.id == Decision.submission_id)
        .where(Decision.call_id == call.id, Decision.outcome.in_(AWARDED), Decision.amount.is_not(None),
               Decision.amount > 0, Submission.status == SubmissionStatus.SUBMITTED)
        .order_by(Submission.reference)).all()
    grantor = _organisation_of(call.owner_unit_id)
    records = {i.submission_id: i for i in db.session.scalars(public_query().where(
        Innovation.submission_id.in_([s.id for _, s in rows] or [-1])))}
    from ...results import lead_of

    out = []
    for decision, submission in rows:
        lead = lead_of(submission)
        organisation = _organisation_of(lead.unit_id) if lead is not None else None
        if organisation is not None:
            name, siret = organisation.name, organisation.siret or ""
        else:
            record = records.get(submission.id)
            name, siret = (record.organisation if record is not None else ""), ""
        out.append(Grant(call=call, decision=decision, submission=submission, grantor=grantor,
                         beneficiary_name=name, beneficiary_siret=siret))
    return out


def grants_csv(call: Call) -> str:
    return csv_of(GRANT_COLUMNS, grants(call))


def calls_with_grants() -> list[Call]:
    """The calls whose results are published, the latest first: each has its SCDL file (maybe without rows)."""
    return list(db.session.scalars(db.select(Call).where(Call.results_published_at.is_not(None))
                                   .order_by(Call.results_published_at.desc(), Call.id)))

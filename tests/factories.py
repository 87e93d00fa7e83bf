"""Real objects for tests, saved through the same models the app uses."""
from __future__ import annotations

import itertools
from datetime import timedelta

from prizeapp.demo.files import minimal_pdf
from prizeapp.enums import (
    CallKind,
    CallPhase,
    CallRoleKind,
    Locale,
    MemberRole,
    PoolStatus,
    QuestionKind,
    SubmissionStatus,
    UnitKind,
)
from prizeapp.extensions import db
from prizeapp.models import (
    Call,
    CallRole,
    Criterion,
    FormQuestion,
    OrgUnit,
    OutboxEmail,
    PoolMember,
    Submission,
    SubmissionFile,
    SubmissionMember,
    User,
    UserSession,
)
from prizeapp.models.types import utcnow
from prizeapp.services.accounts import hash_password

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    # scrypt is deliberately slow; hashing the shared test password once keeps the suite fast.
    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    return _password_hash_cache[password]


def user(*, email: str | None = None, password: str = PASSWORD, confirmed: bool = True, admin: bool = False,
         locale: Locale = Locale.FR, unit: OrgUnit | None = None, first_name: str = "Camille",
         last_name: str | None = None) -> User:
    n = next(_seq)
    u = User(email=email or f"agent{n}@example.gouv.fr", password_hash=_hash(password),
             first_name=first_name, last_name=last_name or f"Agent{n}", locale=locale, is_admin=admin,
             unit=unit, email_confirmed_at=utcnow() if confirmed else None)
    db.session.add(u)
    db.session.commit()
    return u


_new_user = user  # for factories whose `user` argument hides this function


def login_session(u: User, *, remember: bool = False) -> UserSession:
    """A server-side sign-in session of `u`, as signing in opens one."""
    opened = UserSession(user=u, remember=remember, user_agent="pytest",
                         expires_at=utcnow() + timedelta(days=30 if remember else 1))
    db.session.add(opened)
    db.session.commit()
    return opened


def unit(*, name: str | None = None, kind: UnitKind = UnitKind.ORGANISATION, parent: OrgUnit | None = None) -> OrgUnit:
    u = OrgUnit(name=name or f"Unité {next(_seq)}", kind=kind, parent=parent)
    db.session.add(u)
    db.session.commit()
    return u


def call(*, title: str | None = None, phase: CallPhase = CallPhase.OPEN,
         kind: CallKind = CallKind.CALL_FOR_PROJECTS) -> Call:
    n = next(_seq)
    now = utcnow()
    c = Call(slug=f"appel-{n}", kind=kind, title=title or f"Appel à projets {n}", phase=phase,
             opens_at=now - timedelta(days=1), submission_deadline=now + timedelta(days=30),
             review_deadline=now + timedelta(days=60))
    c.criteria.append(Criterion(position=1, name="Innovation", weight=100))
    db.session.add(c)
    db.session.commit()
    return c


def grant(u: User, c: Call, role: CallRoleKind) -> CallRole:
    r = CallRole(user_id=u.id, call_id=c.id, role=role)
    db.session.add(r)
    db.session.commit()
    return r


def email(**kwargs) -> OutboxEmail:
    n = next(_seq)
    values = dict(kind="test", recipient=f"dest{n}@example.org", locale="fr", subject=f"Sujet {n}",
                  body_text="Bonjour", body_html="<p>Bonjour</p>", message_id=f"<{n}.{id(kwargs)}@test>")
    values.update(kwargs)
    e = OutboxEmail(**values)
    db.session.add(e)
    db.session.commit()
    return e


def submission(*, call: Call, lead: User | None = None, status: SubmissionStatus = SubmissionStatus.DRAFT,
               title: str | None = None, members: tuple[User, ...] = (), **values) -> Submission:
    """A submission with its lead (and co-applicants); SUBMITTED and WITHDRAWN ones have been submitted
    (pass submitted_at=None for a draft withdrawn before submission)."""
    n = next(_seq)
    lead = lead or user()
    now = utcnow()
    values.setdefault("submitted_at", now if status != SubmissionStatus.DRAFT else None)
    if status == SubmissionStatus.WITHDRAWN:
        values.setdefault("withdrawn_at", now)
    values.setdefault("summary", f"Résumé du projet {n}")
    values.setdefault("description", f"Description du projet {n}")
    s = Submission(call=call, reference=f"TEST-{call.id}-{n:04d}", status=status, title=title or f"Projet {n}",
                   **values)
    s.members.append(SubmissionMember(user_id=lead.id, role=MemberRole.LEAD))
    for member in members:
        s.members.append(SubmissionMember(user_id=member.id, role=MemberRole.CO_APPLICANT))
    db.session.add(s)
    db.session.commit()
    return s


def question(*, call: Call, label: str | None = None, kind: QuestionKind = QuestionKind.SHORT_TEXT,
             **values) -> FormQuestion:
    """A question at the end of the call's form."""
    position = max((q.position for q in call.questions), default=0) + 1
    q = FormQuestion(call=call, position=position, kind=kind, label=label or f"Question {position}", **values)
    db.session.add(q)
    db.session.commit()
    return q


# A real one-page PDF: blind calls serve reviewers a copy without its metadata, which needs a readable file.
PDF_BYTES = minimal_pdf(["Plan de financement"])


def file(*, submission: Submission, data: bytes = PDF_BYTES, name: str = "dossier.pdf",
         question_key: str | None = None) -> SubmissionFile:
    """An attached PDF, stored where the app keeps uploads (so that downloading it works)."""
    import hashlib
    import os
    import uuid

    from prizeapp.services.submissions import upload_folder

    stored_name = f"{uuid.uuid4().hex}.pdf"
    with open(os.path.join(upload_folder(), stored_name), "wb") as out:
        out.write(data)
    f = SubmissionFile(submission=submission, question_key=question_key, display_name=name, stored_name=stored_name,
                       content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest())
    db.session.add(f)
    db.session.commit()
    return f


def pool_member(*, call: Call, user: User | None = None, status: PoolStatus = PoolStatus.ACCEPTED,
                keywords: tuple[str, ...] = (), themes: tuple[str, ...] = (),
                max_load: int | None = None) -> PoolMember:
    """A person in the call's reviewer pool (accepted unless told), with a profile."""
    person = user if user is not None else _new_user()
    m = PoolMember(call_id=call.id, user_id=person.id, status=status, keywords=list(keywords), themes=list(themes),
                   max_load=max_load)
    db.session.add(m)
    db.session.commit()
    return m


def chart() -> dict[str, OrgUnit]:
    """A small organisation chart: one ministry with two directions, the first with two services, and a
    second organisation."""
    ministry = unit(name="Ministère", kind=UnitKind.ORGANISATION)
    d1 = unit(name="Direction 1", kind=UnitKind.DIRECTION, parent=ministry)
    d2 = unit(name="Direction 2", kind=UnitKind.DIRECTION, parent=ministry)
    return {"ministry": ministry, "d1": d1, "d2": d2,
            "s1": unit(name="Service 1", kind=UnitKind.SERVICE, parent=d1),
            "s2": unit(name="Service 2", kind=UnitKind.SERVICE, parent=d1),
            "city": unit(name="Ville", kind=UnitKind.ORGANISATION)}


def submitted_review(*, call: Call, submission: Submission, reviewer: User, total: float, confidence: int = 2,
                     comment: str = "Avis argumenté.", jury_comment: str = ""):
    """A committed assignment with its submitted review: `total` on the grid's scale, the same rounded score on
    every criterion."""
    from prizeapp.enums import AssignmentStatus, ReviewStatus
    from prizeapp.models import Assignment, Review, ReviewScore

    db.session.add(Assignment(call_id=call.id, submission_id=submission.id, reviewer_id=reviewer.id,
                              status=AssignmentStatus.COMMITTED, started_at=utcnow()))
    review = Review(call_id=call.id, submission_id=submission.id, reviewer_id=reviewer.id,
                    status=ReviewStatus.SUBMITTED, total=total, confidence=confidence, submitted_at=utcnow(),
                    comment_to_applicants=comment, comment_to_jury=jury_comment,
                    scores=[ReviewScore(criterion_id=c.id, score=round(total)) for c in call.criteria])
    db.session.add(review)
    db.session.commit()
    return review


def decision(submission: Submission, outcome, **values):
    """The jury's decision on a project (DecisionOutcome)."""
    from prizeapp.models.decision import Decision

    d = Decision(call_id=submission.call_id, submission_id=submission.id, outcome=outcome, **values)
    db.session.add(d)
    db.session.commit()
    return d


def assignment_call() -> tuple[Call, list[Submission], list[User], User]:
    """A call to assign: 4 submitted projects ("Projet A" to "Projet D"), 4 reviewers in its pool (k = 2, the
    first reviewer shares a service with the first project's lead), and its organiser-to-be (no role yet)."""
    units = chart()
    c = call(title="Prix de l'innovation")
    c.reviewers_per_submission = 2
    leads = [user(email=f"lead{i}@porteur{i}.fr", unit=units["s1"] if i == 0 else None) for i in range(4)]
    projects = [submission(call=c, lead=lead, status=SubmissionStatus.SUBMITTED, title=f"Projet {'ABCD'[i]}")
                for i, lead in enumerate(leads)]
    reviewers = [user(email=f"expert{j}@labo{j}.fr", first_name="Expert", last_name=f"N{j}",
                      unit=units["s1"] if j == 0 else None) for j in range(4)]
    for reviewer in reviewers:
        pool_member(call=c, user=reviewer)
    organiser = user(email="orga@ville.fr")
    db.session.commit()
    return c, projects, reviewers, organiser


def reviewed_call(*, title: str, reviewers: int, spread: float, jury_comments: bool = False
                  ) -> tuple[Call, list[Submission]]:
    """A call in review after its deadline, one prize, three submitted projects ("Projet Alpha", "Bêta",
    "Gamma") that every reviewer scored in that order (4.5, 3.5, 2.5, each reviewer `spread` lower than the
    one before); with `jury_comments`, each review says "Confidentiel <project title>" to the jury."""
    c = call(phase=CallPhase.REVIEW, title=title)
    c.submission_deadline = utcnow() - timedelta(days=1)
    c.prize_count = 1
    projects = [submission(call=c, status=SubmissionStatus.SUBMITTED, title=f"Projet {name}")
                for name in ("Alpha", "Bêta", "Gamma")]
    for j in range(reviewers):
        reviewer = user(email=f"expert{j}@labo{j}.fr")
        for i, project in enumerate(projects):
            submitted_review(call=c, submission=project, reviewer=reviewer, total=4.5 - i - spread * j,
                             jury_comment=f"Confidentiel {project.title}" if jury_comments else "")
    return c, projects


def audit_events(action: str) -> list:
    """The audit rows of one action, oldest first, as the database has them now."""
    from prizeapp.models import AuditEvent

    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# --- essaimage --------------------------------------------------------------------------------------------

def record_content(**values) -> dict:
    """A complete record's content (every field a record needs before it is checked), in its stored shape."""
    content = {
        "title": "Conciergerie solidaire des aidants", "summary": "Un guichet unique qui soulage les aidants.",
        "theme": "social", "organisation": "Ville d'Exempleville",
        "problem": "Les aidants familiaux s'épuisent faute de relais.", "affected": "Les aidants familiaux.",
        "solution": "Une conciergerie de répit avec des bénévoles formés.", "beneficiaries": "Aidants et aidés.",
        "beneficiaries_count": 400, "territory_name": "Exempleville", "commune_code": "35238",
        "departement_code": "35", "region_code": "53", "territory_kind": "urban", "readiness": "operating",
        "phase_dates": {"experiment": "2024-09-01", "operating": "2025-06-01"},
        "results": "320 aidants accompagnés la première année.", "evidence_level": "2",
        "evidence": "Questionnaire avant et après.", "cost_setup": "15000.00", "cost_recurring": "30000.00",
        "cost_per_user": "75.00", "economic_model": "Financement communal et CAF.", "funding": "Ville, CAF",
        "fixed_core": "Le guichet unique et la formation des bénévoles.", "adaptable": "Les horaires, les lieux.",
        "conditions_skills": "Un coordinateur à mi-temps.", "conditions_partners": "CCAS, associations d'aidants.",
        "licence": "etalab-2.0", "links": [{"title": "Guide de mise en place", "url": "https://exemple.fr/guide"}],
    }
    content.update(values)
    return content


def innovation(*, call: Call | None = None, lead: User | None = None, published: bool = True, **values):
    """A record started from a laureate of a call with published results, by its lead; with `published`, its
    second version (complete: record_content(**values)) approved and in the catalogue."""
    from prizeapp.enums import DecisionOutcome, VersionStatus
    from prizeapp.models import InnovationVersion
    from prizeapp.services.innovations import records

    if call is None:
        call = globals()["call"](phase=CallPhase.PUBLISHED)
        call.results_published_at = utcnow()
    lead = lead or user()
    project = submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                         title=values.get("title", "Conciergerie solidaire des aidants"))
    decision(project, DecisionOutcome.LAUREATE, prize="Premier prix")
    record = records.start(submission=project, actor=lead)
    if published:
        version = InnovationVersion(innovation=record, number=2, content=records.clean(record_content(**values)),
                                    author_id=lead.id, status=VersionStatus.APPROVED, submitted_at=utcnow(),
                                    checked_at=utcnow())
        db.session.add(version)
        db.session.flush()
        records.apply_published(record, version)
    db.session.commit()
    return record


# --- catalogue --------------------------------------------------------------------------------------------

def replications_of(innovation, *statuses, answered: bool = True, organisation: str = "Commune de Reprise"):
    """One replication of `innovation` per status given (ReplicationStatus members), answered by the team
    unless `answered` is False (then still private: the catalogue does not count it)."""
    from prizeapp.models import Replication

    rows = [Replication(innovation_id=innovation.id, status=status, organisation=f"{organisation} {i + 1}",
                        answered_at=utcnow() if answered else None) for i, status in enumerate(statuses)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


# --- parrains ---------------------------------------------------------------------------------------------

def sponsor(*, user: User | None = None, listed: bool = True, active: bool = True, **values):
    """A parrain's profile (of a new agent, unless `user`): expertise, themes and territory from `values`."""
    from prizeapp.models import SponsorProfile

    person = user or _new_user()
    values.setdefault("expertise", "Conduite de projets d'aide aux aidants.")
    profile = SponsorProfile(user_id=person.id, listed=listed, active=active, **values)
    db.session.add(profile)
    db.session.commit()
    return profile


# --- innovation pages -------------------------------------------------------------------------------------

def innovation_document(innovation, *, title: str = "Guide de mise en place", name: str = "guide.pdf",
                        size: int = 48_000):
    """A document row of a record (its bytes are not stored: for pages that list documents)."""
    from prizeapp.models import InnovationDocument

    document = InnovationDocument(innovation_id=innovation.id, title=title, display_name=name,
                                  stored_name=f"doc-{next(_seq)}-{name}", content_type="application/pdf",
                                  size=size, sha256="0" * 64)
    db.session.add(document)
    db.session.commit()
    return document


def approved_version(innovation, *, change_note: str = "", **changes):
    """A new version of a published record, its content the public one's with `changes`, approved and public."""
    from prizeapp.enums import VersionStatus
    from prizeapp.models import InnovationVersion
    from prizeapp.services.innovations import records

    current = records.latest(innovation)
    content = records.clean({**innovation.published_version.content, **changes})
    version = InnovationVersion(innovation=innovation, number=current.number + 1, content=content,
                                change_note=change_note, status=VersionStatus.APPROVED, submitted_at=utcnow(),
                                checked_at=utcnow())
    db.session.add(version)
    db.session.flush()
    records.apply_published(innovation, version)
    db.session.commit()
    return version


# --- replications -----------------------------------------------------------------------------------------

def parrain_of(innovation, *, user: User | None = None) -> User:
    """An active parrain (a new agent, unless `user`) assigned to `innovation`."""
    from prizeapp.models import InnovationSponsor, SponsorProfile

    person = user or _new_user(first_name="Dominique")
    if db.session.scalar(db.select(SponsorProfile).where(SponsorProfile.user_id == person.id)) is None:
        sponsor(user=person)
    db.session.add(InnovationSponsor(innovation_id=innovation.id, user_id=person.id))
    db.session.commit()
    return person


def replication(innovation, *, requester: User | None = None, status=None, answered: bool = False, **values):
    """A request to take `innovation` up (by a new agent, unless `requester`), with its first timeline line;
    `status` (a ReplicationStatus) sets where it stands, `answered` marks the team's first answer."""
    from prizeapp.enums import ReplicationStatus
    from prizeapp.models import Replication, ReplicationEvent

    person = requester or _new_user(first_name="Sacha")
    values.setdefault("organisation", "Commune de Vitré")
    values.setdefault("territory_name", "Vitré")
    values.setdefault("departement_code", "35")
    values.setdefault("region_code", "53")
    values.setdefault("motivation", "Nos aidants s'épuisent aussi.")
    row = Replication(innovation_id=innovation.id, requester_id=person.id,
                      status=status or ReplicationStatus.INTERESTED, answered_at=utcnow() if answered else None,
                      **values)
    row.events.append(ReplicationEvent(author_id=person.id, status=ReplicationStatus.INTERESTED))
    if row.status != ReplicationStatus.INTERESTED:
        row.events.append(ReplicationEvent(author_id=person.id, status=row.status))
    db.session.add(row)
    db.session.commit()
    return row


# --- innovation records: the team and the checkers ---------------------------------------------------------

def stored_document(innovation, *, data: bytes = PDF_BYTES, title: str = "Guide de mise en place",
                    name: str = "guide.pdf"):
    """A document of a record with its bytes stored where the app keeps uploads (so that downloading works)."""
    import hashlib
    import os
    import uuid

    from prizeapp.models import InnovationDocument
    from prizeapp.services.uploads import upload_folder

    stored_name = f"{uuid.uuid4().hex}.pdf"
    with open(os.path.join(upload_folder(), stored_name), "wb") as out:
        out.write(data)
    document = InnovationDocument(innovation_id=innovation.id, title=title, display_name=name,
                                  stored_name=stored_name, content_type="application/pdf", size=len(data),
                                  sha256=hashlib.sha256(data).hexdigest())
    db.session.add(document)
    db.session.commit()
    return document


def record_of_team(*, call: Call, lead: User, members: tuple = (), waiting: bool = False, published: bool = False,
                   **values):
    """A record of a submitted project of `call` led by `lead` (a call whose results need not be published),
    made directly: version 1 a draft with the project's title; with `waiting`, version 2 (complete:
    record_content(**values)) sent for checking; with `published`, that version 2 approved and public."""
    from prizeapp.enums import InnovationStatus, VersionStatus
    from prizeapp.models import Innovation, InnovationVersion
    from prizeapp.services.innovations import records

    project = submission(call=call, lead=lead, members=members, status=SubmissionStatus.SUBMITTED,
                         title=values.get("title", "Conciergerie solidaire des aidants"))
    record = Innovation(slug=f"fiche-{next(_seq)}", submission=project, call=call, created_by_id=lead.id)
    db.session.add(record)
    db.session.flush()
    db.session.add(InnovationVersion(innovation=record, number=1, author_id=lead.id,
                                     content={"title": project.title}))
    if waiting or published:
        version = InnovationVersion(innovation=record, number=2, author_id=lead.id,
                                    content=records.clean(record_content(**values)),
                                    status=VersionStatus.SUBMITTED, submitted_at=utcnow())
        db.session.add(version)
        db.session.flush()
        if published:
            version.status, version.checked_at = VersionStatus.APPROVED, utcnow()
            records.apply_published(record, version)
        else:
            record.status = InnovationStatus.PENDING
    db.session.commit()
    return record


# --- impact follow-up -------------------------------------------------------------------------------------

def results_call(*, results_at=None, milestones=None, **values) -> Call:
    """A call whose results were published at `results_at` (default: now)."""
    c = call(phase=CallPhase.PUBLISHED, **values)
    c.results_published_at = results_at or utcnow()
    c.impact_milestones = milestones
    db.session.commit()
    return c


def laureate(*, call: Call | None = None, lead: User | None = None, members: tuple = (), outcome=None,
             title: str | None = None) -> Submission:
    """A submitted project of a call with published results, with its decision (a laureate by default)."""
    from prizeapp.enums import DecisionOutcome

    call = call or results_call()
    project = submission(call=call, lead=lead, members=members, status=SubmissionStatus.SUBMITTED, title=title)
    decision(project, outcome or DecisionOutcome.LAUREATE, prize="Premier prix")
    return project


INDICATOR_SAMPLES = (
    ("users_per_year", "Personnes accompagnées dans l'année", "personnes", "0", "400"),
    ("processing_time", "Délai de traitement d'une demande", "jours", "21", "7"),
    ("satisfaction", "Usagers satisfaits", "%", "55", "80"),
    (None, "Bénévoles formés", "bénévoles", "2", "30"),
)


def impact_plan(*, project: Submission | None = None, active: bool = True, indicators: int = 3,
                published: bool = True, **texts):
    """A follow-up of `project` (default: a new laureate), set up by its lead through the service: the plan's
    texts filled, `indicators` indicators from INDICATOR_SAMPLES; with `active`, under way (its reports
    created at the call's milestones)."""
    from decimal import Decimal

    from prizeapp.enums import ImpactDimension
    from prizeapp.services.impact import library, plans

    project = project or laureate()
    lead = next(m.user for m in project.members if m.role == MemberRole.LEAD)
    plan = plans.start(submission=project, actor=lead, opt_in=True)
    values = {"problem": "Les aidants s'épuisent faute de relais.", "baseline": "Aucun relais en 2025.",
              "activities": "Une conciergerie tenue par des bénévoles.", "outputs": "Des relais chaque semaine.",
              "results": "Des aidants moins seuls.", "impacts": "Moins d'hospitalisations d'aidants.",
              "assumptions": "Assez de bénévoles."}
    values.update(texts)
    given = []
    for key, name, unit, baseline, target in INDICATOR_SAMPLES[:indicators]:
        dimension = library.BY_KEY[key].dimension if key else ImpactDimension.OTHER
        given.append(plans.IndicatorInput(name=name, dimension=dimension, unit=unit, baseline=Decimal(baseline),
                                          target=Decimal(target), library_key=key, source="Registre",
                                          method="Comptage"))
    plans.save_plan(plan=plan, actor=lead, version=plan.version, texts=values, indicators=given,
                    published=published, activate=active)
    db.session.commit()
    return plan


def impact_report(plan, months: int, *, values: tuple = (), submitted: bool = True, **fields):
    """The plan's report at `months`, filled with one value per indicator (in order) and `fields`."""
    from prizeapp.enums import ImpactReportStatus

    report = next(r for r in plan.reports if r.months == months)
    report.values = {str(i.id): str(v) for i, v in zip(plan.indicators, values)}
    for name, value in fields.items():
        setattr(report, name, value)
    report.status = ImpactReportStatus.SUBMITTED if submitted else ImpactReportStatus.DRAFT
    report.updated_at = utcnow()
    if submitted:
        report.submitted_at = utcnow()
    db.session.commit()
    return report


# --- impact follow-up: organisers ---------------------------------------------------------------------------

def calibration_run(call: Call, scores: dict, *, done: bool = True, withdrawn: tuple = ()):
    """A finished calibration run of `call` (unless `done` is False) ranking the projects of `scores`
    ({submission: calibrated score}) by score, the highest first; `withdrawn` projects marked so."""
    from prizeapp.enums import CalibrationStatus
    from prizeapp.models import CalibrationRun

    ordered = sorted(scores.items(), key=lambda item: -item[1])
    run = CalibrationRun(call_id=call.id, model="hierarchical", params={"seed": 0},
                         status=CalibrationStatus.DONE if done else CalibrationStatus.RUNNING,
                         result={"scale": [1, 5], "submissions": [
                             {"id": s.id, "rank": rank, "score": score, "withdrawn": s in withdrawn}
                             for rank, (s, score) in enumerate(ordered, start=1)]})
    db.session.add(run)
    db.session.commit()
    return run


# --- economic grid: display and exports ----------------------------------------------------------------------

def economic_grid(**changes) -> dict:
    """A filled economic-model grid in its stored shape (core.economic_model's keys): 70 % public money (high),
    the earliest resource secured until 30 June 2026; a change to None leaves that key out."""
    grid = {
        "beneficiaries": "Les aidants familiaux de la ville.", "beneficiary_value": "Du répit, un seul interlocuteur.",
        "funding": "La ville et la CAF.", "payer_value": "Moins d'hospitalisations d'aidants épuisés.",
        "cost_setup": "15000.00", "cost_recurring": "30000.00", "cost_per_user": "75.50", "costs_avoided": "8000.00",
        "costs_avoided_how": "Moins de placements d'urgence.",
        "resources": [{"kind": "public_subsidy", "share": 60, "secured_until": "2027-12-31"},
                      {"kind": "pooling", "share": 10},
                      {"kind": "earned_income", "share": 20, "secured_until": "2026-06-30"},
                      {"kind": "in_kind", "share": 10}],
        "human_resources": "Un coordinateur à mi-temps, douze bénévoles.", "partners": "CCAS, CAF, associations.",
        "local_costs": "Le temps du coordinateur et un local.",
    }
    grid.update(changes)
    return {key: value for key, value in grid.items() if value is not None}


def economic_record(*, grid: dict | None = None, **values):
    """A public record (factories.innovation) whose published version carries `grid` (economic_grid() by
    default) flat in its content, as records store it, published again so that the catalogue's columns follow."""
    from prizeapp.services.innovations import records

    record = innovation(**values)
    version = record.published_version
    version.content = {**version.content, **(economic_grid() if grid is None else grid)}
    records.apply_published(record, version)
    db.session.commit()
    return record

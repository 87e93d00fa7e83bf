"""Publishing a call's results: one decision email per applicant, the call's own email texts, and the public
pages of laureate projects.

What leaves the platform here is chosen field by field: the decision and its reason, the reviewers'
comments to the applicants (never their names, never their confidential comments to the jury), and, where
the call says so, the calibrated score with a rank band. Organisers may rewrite the emails; their text is
filled by a strict substitution of known placeholder names, never rendered as a template.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app, render_template, url_for
from flask_babel import force_locale, format_currency, format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..enums import (
    CallPhase,
    DecisionOutcome,
    Locale,
    MemberRole,
    ReviewStatus,
    SubmissionStatus,
)
from ..errors import RuleError
from ..extensions import db
from ..models import Call, Review, Submission, SubmissionMember, User
from ..models.decision import Decision, EmailTemplate
from ..models.types import utcnow
from . import audit, ranking
from . import calls as calls_service
from .impact import reminders as impact_reminders
from .outbox import queue_email

KINDS = {DecisionOutcome.LAUREATE: "decision_laureate", DecisionOutcome.MENTION: "decision_mention",
         DecisionOutcome.NOT_SELECTED: "decision_not_selected"}
LOCALES = tuple(locale.value for locale in Locale)
# The names an organiser's text may use, in the order the page lists them.
PLACEHOLDERS = ("first_name", "last_name", "project", "reference", "call", "outcome", "prize", "amount", "reason",
                "reviews", "score", "rank_band", "link")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_ANY_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


class ResultsError(RuleError):
    """Publishing refused."""


class PlaceholderError(RuleError):
    """An organiser's text uses names that are not placeholders (or template syntax): nothing is saved."""

    def __init__(self, unknown: dict[str, list[str]]) -> None:
        super().__init__("unknown_placeholders", unknown=unknown)
        self.unknown = unknown  # by field ("subject", "body"): the offending tags as typed


# --- placeholders ---------------------------------------------------------------------------------------

def unknown_placeholders(text: str) -> list[str]:
    """Every {{ … }}, {% … %} or {# … #} of `text` that is not exactly a known placeholder, as typed."""
    bad = []
    for match in _ANY_TAG.finditer(text):
        name = _PLACEHOLDER.fullmatch(match.group(0))
        if name is None or name.group(1) not in PLACEHOLDERS:
            bad.append(match.group(0))
    return list(dict.fromkeys(bad))


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each {{ name }} of a known placeholder by its value, as plain text (no template engine)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)) if m.group(1) in PLACEHOLDERS
                            else m.group(0), text)


# --- what one applicant is told -------------------------------------------------------------------------

def applicant_comments(submission: Submission) -> list[str]:
    """The reviewers' comments to the applicants, of submitted reviews, in a stable order; nothing else of
    the reviews (neither who wrote them nor the comments to the jury)."""
    texts = db.session.scalars(db.select(Review.comment_to_applicants).where(
        Review.submission_id == submission.id, Review.status == ReviewStatus.SUBMITTED).order_by(Review.id))
    return [text.strip() for text in texts if text and text.strip()]


@dataclass
class Standing:
    """A project's calibrated score and where it stands among the call's projects."""

    score: float
    scale_max: float
    position: int
    count: int

    @property
    def band(self) -> str:
        share = self.position / self.count
        if share <= 0.10:
            return "top_10"
        if share <= 0.25:
            return "top_quarter"
        if share <= 0.50:
            return "first_half"
        return "second_half"


def standing(submission: Submission, run=None) -> Standing | None:
    """From the latest finished calibration of the call (services.ranking.latest); None without one."""
    run = run if run is not None else ranking.latest(submission.call)
    if run is None:
        return None
    rows = [row for row in run.result.get("submissions", []) if not row.get("withdrawn")]
    mine = next((row for row in rows if row["id"] == submission.id), None)
    if mine is None or mine.get("score") is None:
        return None
    better = sum(1 for row in rows if row["rank"] < mine["rank"])
    return Standing(score=float(mine["score"]), scale_max=float(run.result.get("scale", [0, 5])[1]),
                    position=better + 1, count=len(rows))


def band_label(band: str) -> str:
    return {"top_10": _("in the top %(share)d %% of the projects", share=10),
            "top_quarter": _("in the top quarter of the projects"),
            "first_half": _("in the first half of the projects"),
            "second_half": _("in the second half of the projects")}[band]


def outcome_label(outcome: DecisionOutcome) -> str:
    return str(DecisionOutcome(outcome).label)


def _amount_text(amount: Decimal | None) -> str:
    return format_currency(amount, "EUR") if amount is not None else ""


def reviews_text(comments: list[str]) -> str:
    if not comments:
        return _("No reviewer wrote a comment to the applicants.")
    return "\n\n".join(_("Review %(number)d:", number=n) + "\n" + text for n, text in enumerate(comments, start=1))


def values_for(*, decision: Decision, recipient: User | None, with_standing: Standing | None,
               comments: list[str]) -> dict[str, str]:
    """The placeholders' values for one recipient, in the current language (call inside force_locale)."""
    submission = decision.submission
    call = submission.call
    shown = call.scores_shown_to_applicants and with_standing is not None
    return {
        "first_name": recipient.first_name if recipient else _("Camille"),
        "last_name": recipient.last_name if recipient else _("Martin"),
        "project": submission.title or _("Untitled project"),
        "reference": submission.reference,
        "call": call.title,
        "outcome": outcome_label(decision.outcome),
        "prize": decision.prize or "",
        "amount": _amount_text(decision.amount),
        "reason": decision.reason or "",
        "reviews": reviews_text(comments),
        "score": (_("%(score)s out of %(max)s", score=format_decimal(round(with_standing.score, 1)),
                    max=format_decimal(with_standing.scale_max)) if shown else ""),
        "rank_band": band_label(with_standing.band) if shown else "",
        "link": url_for("results.decision", submission_id=submission.id, _external=True),
    }


def _context(values: dict[str, str], comments: list[str], custom: dict[str, str] | None) -> dict:
    return {**values, "review_list": comments, "custom": custom}


def custom_text(call: Call, kind: str, locale: str) -> EmailTemplate | None:
    return db.session.scalar(db.select(EmailTemplate).where(
        EmailTemplate.call_id == call.id, EmailTemplate.kind == kind, EmailTemplate.locale == locale))


@dataclass
class Rendered:
    subject: str
    body_text: str
    body_html: str


def _render(kind: str, locale: str, context: dict) -> Rendered:
    """What services.outbox.queue_email would store, without queueing it (previews)."""
    context = {"operator_name": current_app.config["OPERATOR_NAME"], **context}
    with force_locale(locale):
        module = current_app.jinja_env.get_template(f"email/{kind}.txt").make_module(context)
        subject = re.sub(r"[ \t\r\n]+", " ", str(getattr(module, "subject", kind))).strip()
        html = render_template(f"email/{kind}.html", subject=subject, **context)
        return Rendered(subject, str(module).strip() + "\n", html)


def _email_context(decision: Decision, recipient: User | None, locale: str, run, comments: list[str],
                   subject: str | None = None, body: str | None = None) -> dict:
    """The email's context in `locale`: the organiser's text (given, saved, or none) filled in."""
    kind = KINDS[decision.outcome]
    with force_locale(locale):
        values = values_for(decision=decision, recipient=recipient, comments=comments,
                            with_standing=standing(decision.submission, run) if decision.submission.call
                            .scores_shown_to_applicants else None)
    if subject is None or body is None:
        saved = custom_text(decision.submission.call, kind, locale)
        if saved is not None:
            subject, body = saved.subject, saved.body
    custom = None
    if subject is not None and body is not None:
        custom = {"subject": fill(subject, values).replace("\n", " "), "body": fill(body, values).strip()}
    return _context(values, comments, custom)


# --- publishing -----------------------------------------------------------------------------------------

@dataclass
class Summary:
    """What publishing would send, for the confirmation page."""

    counts: dict[DecisionOutcome, int]
    without_decision: list[Submission]
    recipients: int
    phase: CallPhase
    published_at: datetime | None
    notified: int
    problems: list[str] = field(default_factory=list)


def _submitted(call: Call) -> list[Submission]:
    return list(db.session.scalars(db.select(Submission).where(
        Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED)
        .options(selectinload(Submission.members)).order_by(Submission.reference)))


def _decisions(call: Call) -> dict[int, Decision]:
    return {d.submission_id: d for d in db.session.scalars(db.select(Decision).where(Decision.call_id == call.id))}


def summary(call: Call) -> Summary:
    projects = _submitted(call)
    decisions = _decisions(call)
    counts = Counter(decisions[s.id].outcome for s in projects if s.id in decisions)
    missing = [s for s in projects if s.id not in decisions]
    phase = calls_service.current_phase(call)
    problems = []
    if call.results_published_at is None:
        if phase != CallPhase.DELIBERATION:
            problems.append("not_in_deliberation")
        if not projects:
            problems.append("no_submissions")
        if missing:
            problems.append("missing_decisions")
    return Summary(counts={o: counts.get(o, 0) for o in DecisionOutcome}, without_decision=missing,
                   recipients=sum(len(s.members) for s in projects if s.id in decisions), phase=phase,
                   published_at=call.results_published_at,
                   notified=sum(1 for s in projects if s.id in decisions and decisions[s.id].notified_at),
                   problems=problems)


@dataclass
class Published:
    emails: int  # decision emails queued by this call
    projects: int  # whose team was notified by this call
    already: bool  # the results were published before
    invitations: int = 0  # invitations to set up the impact follow-up, queued by this call


def publish(*, call: Call, actor: User) -> Published:
    """Publish the results: decisions become final, the call moves to the published phase, and each member of
    each team gets one decision email (queued in the outbox, in their language); the teams of laureates and
    mentions are also invited to set up their impact follow-up. Publishing again sends nothing twice: a
    decision whose email was queued keeps its `notified_at`, an invitation its SentReminder key."""
    already = call.results_published_at is not None
    if not already:
        state = summary(call)
        if "not_in_deliberation" in state.problems:
            raise ResultsError("not_in_deliberation", phase=state.phase.value)
        if "no_submissions" in state.problems:
            raise ResultsError("no_submissions")
        if state.without_decision:
            raise ResultsError("missing_decisions", references=[s.reference for s in state.without_decision])
        calls_service.move_phase(call=call, actor=actor, target=CallPhase.PUBLISHED)
        call.results_published_at = utcnow()
    run = ranking.latest(call) if call.scores_shown_to_applicants else None
    decisions = _decisions(call)
    emails = projects = 0
    for submission in _submitted(call):
        decision = decisions.get(submission.id)
        if decision is None or decision.notified_at is not None:
            continue
        comments = applicant_comments(submission)
        for member in submission.members:
            person = member.user
            locale = person.locale.value
            queue_email(kind=KINDS[decision.outcome], to=person, call=call, locale=locale,
                        context=_email_context(decision, person, locale, run, comments))
            emails += 1
        decision.notified_at = utcnow()
        projects += 1
    if not already or emails:
        audit.record(action=audit.AuditAction.RESULTS_PUBLISHED, actor=actor, obj=call, call=call,
                     details={"emails": emails, "projects": projects, "again": already})
    invitations = impact_reminders.invite_teams(call=call, actor=actor)
    db.session.flush()
    return Published(emails=emails, projects=projects, already=already, invitations=invitations)


# --- what the team reads on its pages ------------------------------------------------------------------

@dataclass
class TeamView:
    decision: Decision
    comments: list[str]
    standing: Standing | None


def team_view(submission: Submission) -> TeamView | None:
    """The decision as the team reads it once published (the views check can_view_decision)."""
    if submission.call.results_published_at is None:
        return None
    decision = db.session.scalar(db.select(Decision).where(Decision.submission_id == submission.id))
    if decision is None:
        return None
    shown = standing(submission) if submission.call.scores_shown_to_applicants else None
    return TeamView(decision, applicant_comments(submission), shown)


def outcomes_of(submissions: list[Submission]) -> dict[int, DecisionOutcome]:
    """The published decisions of these projects, by project id (for "My submissions")."""
    published = [s.id for s in submissions if s.call.results_published_at is not None]
    if not published:
        return {}
    return {d.submission_id: d.outcome for d in db.session.scalars(
        db.select(Decision).where(Decision.submission_id.in_(published)))}


# --- the call's email texts -----------------------------------------------------------------------------

def default_text(call: Call, kind: str, locale: str) -> tuple[str, str]:
    """The platform's default subject and body in `locale`, written with placeholders (what an organiser
    starts from): the default template rendered with each placeholder standing for itself."""
    tokens = {name: "{{ " + name + " }}" for name in PLACEHOLDERS}
    if not call.scores_shown_to_applicants:
        tokens["score"] = tokens["rank_band"] = ""
    rendered = _render(kind, locale, _context(tokens, [], None))
    return rendered.subject, rendered.body_text.strip()


def save_text(*, call: Call, actor: User, kind: str, locale: str, subject: str, body: str) -> EmailTemplate:
    """Save an organiser's text for one kind of email in one language; unknown placeholders are refused."""
    if kind not in KINDS.values() or locale not in LOCALES:
        raise ValueError("unknown kind or locale")
    unknown = {name: found for name, found in (("subject", unknown_placeholders(subject)),
                                               ("body", unknown_placeholders(body))) if found}
    if unknown:
        raise PlaceholderError(unknown)
    row = custom_text(call, kind, locale)
    if row is None:
        row = EmailTemplate(call_id=call.id, kind=kind, locale=locale)
        db.session.add(row)
    row.subject, row.body = subject.strip(), body.strip()
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.EMAIL_TEMPLATE_SAVED, actor=actor, obj=row, call=call,
                 details={"kind": kind, "locale": locale})
    return row


def reset_text(*, call: Call, actor: User, kind: str, locale: str) -> bool:
    """Back to the platform's default text; False when there was no text of the call's own."""
    row = custom_text(call, kind, locale)
    if row is None:
        return False
    audit.record(action=audit.AuditAction.EMAIL_TEMPLATE_RESET, actor=actor, obj=row, call=call,
                 details={"kind": kind, "locale": locale})
    db.session.delete(row)
    db.session.flush()
    return True


def sample_decision(call: Call, kind: str, submission: Submission | None) -> Decision:
    """The decision a preview shows: the project's own if it matches the kind, otherwise an unsaved one of the
    kind on that project (or on an example project when the call has none)."""
    outcome = next(o for o, k in KINDS.items() if k == kind)
    if submission is not None:
        existing = db.session.scalar(db.select(Decision).where(Decision.submission_id == submission.id))
        if existing is not None and existing.outcome == outcome:
            return existing
    else:
        submission = Submission(id=0, call=call, reference="AAP-0000-0000", title=_("Example project"))
        if submission in db.session:
            db.session.expunge(submission)
    example = Decision(call_id=call.id, submission=submission, outcome=outcome,
                       prize=_("First prize") if outcome == DecisionOutcome.LAUREATE else "",
                       amount=Decimal("10000") if outcome == DecisionOutcome.LAUREATE else None,
                       reason=_("(The decision's reason appears here.)"))
    if example in db.session:
        db.session.expunge(example)
    return example


def preview(*, call: Call, kind: str, locale: str, submission: Submission | None, recipient: User | None,
            subject: str | None = None, body: str | None = None) -> Rendered:
    """The email as its recipient would read it, for a project of the call (typed text, saved text or the
    default); nothing is queued."""
    decision = sample_decision(call, kind, submission)
    comments = applicant_comments(submission) if submission is not None else [_("(A reviewer's comment.)")]
    run = ranking.latest(call) if call.scores_shown_to_applicants and submission is not None else None
    context = _email_context(decision, recipient, locale, run, comments, subject, body)
    return _render(kind, locale, context)


def send_test(*, call: Call, actor: User, kind: str, submission: Submission | None) -> int:
    """Queue the email of `kind` to `actor` in each language, as previewed; returns how many."""
    decision = sample_decision(call, kind, submission)
    comments = applicant_comments(submission) if submission is not None else [_("(A reviewer's comment.)")]
    run = ranking.latest(call) if call.scores_shown_to_applicants and submission is not None else None
    for locale in LOCALES:
        queue_email(kind=kind, to=actor, call=call, locale=locale,
                    context=_email_context(decision, actor, locale, run, comments))
    audit.record(action=audit.AuditAction.EMAIL_TEMPLATE_TEST_SENT, actor=actor, obj=call, call=call,
                 details={"kind": kind, "submission_id": submission.id if submission is not None else None})
    return len(LOCALES)


# --- the public pages of laureate projects ------------------------------------------------------------

PUBLIC_OUTCOMES = (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION)


def _public_query():
    return (db.select(Decision, Submission, Call)
            .join(Submission, Submission.id == Decision.submission_id).join(Call, Call.id == Submission.call_id)
            .where(Call.results_published_at.is_not(None), Decision.outcome.in_(PUBLIC_OUTCOMES),
                   Submission.status == SubmissionStatus.SUBMITTED))


def laureates(*, call_id: int | None = None, category: str | None = None, q: str | None = None) -> list:
    """(decision, project, call) of every published laureate and mention, filtered; laureates first."""
    query = _public_query()
    if call_id:
        query = query.where(Call.id == call_id)
    if category:
        query = query.where(Submission.category == category)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(db.or_(Submission.title.ilike(pattern, escape="\\"),
                                   Submission.summary.ilike(pattern, escape="\\"),
                                   Submission.territory.ilike(pattern, escape="\\")))
    rows = db.session.execute(query.order_by(Call.results_published_at.desc(), Call.id, Submission.reference)).all()
    order = {DecisionOutcome.LAUREATE: 0, DecisionOutcome.MENTION: 1}
    return sorted(rows, key=lambda row: order[row[0].outcome])  # stable: keeps the calls' order


def published_calls() -> list[Call]:
    return list(db.session.scalars(db.select(Call).where(Call.results_published_at.is_not(None))
                                   .order_by(Call.results_published_at.desc(), Call.id)))


def laureate(reference: str):
    """(decision, project, call) of one published laureate or mention; None otherwise (the page is a 404)."""
    return db.session.execute(_public_query().where(Submission.reference == reference)).first()


def lead_of(submission: Submission) -> User | None:
    return db.session.scalar(db.select(User).join(SubmissionMember, SubmissionMember.user_id == User.id).where(
        SubmissionMember.submission_id == submission.id, SubmissionMember.role == MemberRole.LEAD))

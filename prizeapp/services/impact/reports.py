"""A milestone's follow-up report: a draft saved as the team goes (each indicator's value, the evidence level
reached, users reached, cost to date, what worked and what did not, readiness to replicate), its submission
(the call's organisers are told by email), and its attachments.

A report may be filled in before its window (the 24-month one while the 6-month one is still open); once
submitted it is read, never changed. The form's raw strings are read here (`parse`), so that the page's
button and its background save agree on what is accepted: problems are codes beside the field's name."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import IO

from flask import url_for

from ...core.questions import Parsed, Problem, parse_amount, parse_number
from ...enums import CallRoleKind, EvidenceLevel, ImpactPlanStatus, ImpactReportStatus, ReplicationReadiness
from ...extensions import db
from ...models import CallRole, ImpactIndicator, ImpactPlan, ImpactReport, ImpactReportDocument, User
from ...models.types import utcnow
from .. import audit, locks, uploads
from ..innovations.content import stored_text
from ..outbox import queue_email
from .plans import ImpactError

TEXTS = ("worked", "did_not_work", "unexpected")
CHOICES = {"evidence_level": EvidenceLevel, "readiness": ReplicationReadiness}
FIELDS = ("evidence_level", "users_reached", "cost_to_date", *TEXTS, "readiness")
TEXT_LIMIT = 5000
# What the columns hold: indicator values as the plan's Numeric(18, 4), users a count, a cost in cents.
VALUE_LIMIT, VALUE_DECIMALS = Decimal(10) ** 14, 4
COUNT_LIMIT, COST_LIMIT = 10**12, Decimal(10) ** 12
MAX_DOCUMENTS = 10


def value_name(indicator: ImpactIndicator) -> str:
    """The name of an indicator's value in the report's form."""
    return f"value_{indicator.id}"


def _number(text: str, problems: dict[str, Problem], name: str) -> Decimal | None:
    try:
        value = parse_number(text)
    except ValueError:
        problems[name] = Problem("not_a_number")
        return None
    if abs(value) >= VALUE_LIMIT or value.as_tuple().exponent < -VALUE_DECIMALS:
        problems[name] = Problem("out_of_range", {"decimals": VALUE_DECIMALS})
        return None
    return value


def _count(text: str, problems: dict[str, Problem]) -> int | None:
    try:
        value = parse_number(text)
    except ValueError:
        value = None
    if value is None or value != value.to_integral_value() or not 0 <= value < COUNT_LIMIT:
        problems["users_reached"] = Problem("not_a_count")
        return None
    return int(value)


def _cost(text: str, problems: dict[str, Problem]) -> Decimal | None:
    try:
        value = parse_amount(text)
    except ValueError:
        problems["cost_to_date"] = Problem("not_an_amount")
        return None
    if not 0 <= value < COST_LIMIT:
        problems["cost_to_date"] = Problem("below_min" if value < 0 else "above_max", {"min": 0, "max": COST_LIMIT})
        return None
    return value


def parse(plan: ImpactPlan, raw: Mapping[str, str]) -> Parsed:
    """The report's fields from a form post (`value_<indicator id>` and FIELDS, as typed): values ready to
    store, and problems by field name — not_a_number, out_of_range{decimals}, not_a_count, not_an_amount,
    below_min/above_max, unknown_choice, too_long{max, length}. Empty fields are left empty (a draft)."""
    problems: dict[str, Problem] = {}
    values: dict[str, str] = {}
    for indicator in plan.indicators:
        text = str(raw.get(value_name(indicator)) or "").strip()
        value = _number(text, problems, value_name(indicator)) if text else None
        if value is not None:
            values[str(indicator.id)] = format(value.normalize(), "f")
    parsed: dict = {"values": values}
    for name, vocabulary in CHOICES.items():
        text = str(raw.get(name) or "").strip()
        parsed[name] = None
        if text:
            try:
                parsed[name] = vocabulary(text)
            except ValueError:
                problems[name] = Problem("unknown_choice")
    users = str(raw.get("users_reached") or "").strip()
    parsed["users_reached"] = _count(users, problems) if users else None
    cost = str(raw.get("cost_to_date") or "").strip()
    parsed["cost_to_date"] = _cost(cost, problems) if cost else None
    for name in TEXTS:
        text = str(raw.get(name) or "").replace("\x00", "").strip()
        if len(text) > TEXT_LIMIT:
            problems[name] = Problem("too_long", {"max": TEXT_LIMIT, "length": len(text)})
        parsed[name] = stored_text(text, TEXT_LIMIT)
    return Parsed(values=parsed, problems=problems)


def as_form(report: ImpactReport) -> dict[str, str]:
    """The saved report as the raw strings its form sends back (to fill the form again)."""
    raw = {value_name(i): _decimal_text(report.value_of(i)) for i in report.plan.indicators}
    raw |= {name: (getattr(report, name).value if getattr(report, name) is not None else "") for name in CHOICES}
    raw["users_reached"] = "" if report.users_reached is None else str(report.users_reached)
    raw["cost_to_date"] = _decimal_text(report.cost_to_date)
    raw |= {name: getattr(report, name) or "" for name in TEXTS}
    return raw


def _decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _editable(report: ImpactReport) -> None:
    if report.status == ImpactReportStatus.SUBMITTED:
        raise ImpactError("report_submitted")
    if report.plan.status != ImpactPlanStatus.ACTIVE:
        raise ImpactError("plan_not_active")


def save_draft(*, report: ImpactReport, actor: User, raw: Mapping[str, str], version: int) -> ImpactReport:
    """Save what the team typed as the report's draft (it may be incomplete). `version` is the one the form
    started from: a member who saved in between makes ImpactError "stale"{version} and nothing is saved;
    fields that cannot be read make "invalid"{problems} (see `parse`), nothing saved either. A submitted report
    is refused ("report_submitted")."""
    locks.hold(f"impact-report:{report.id}")
    _editable(report)
    if version != report.version:
        raise ImpactError("stale", version=report.version)
    parsed = parse(report.plan, raw)
    if not parsed.ok:
        raise ImpactError("invalid", problems=parsed.problems)
    for name, value in parsed.values.items():
        setattr(report, name, value)
    report.status = ImpactReportStatus.DRAFT
    report.updated_at, report.updated_by_id = utcnow(), actor.id
    db.session.flush()
    return report


def missing(report: ImpactReport) -> list[str]:
    """What the report needs before it is submitted: a value for every indicator (`value_<id>`), the evidence
    level and the readiness to replicate, in the form's order."""
    gaps = [value_name(i) for i in report.plan.indicators if report.value_of(i) is None]
    if report.evidence_level is None:
        gaps.append("evidence_level")
    if report.readiness is None:
        gaps.append("readiness")
    return gaps


def organisers_of(plan: ImpactPlan) -> list[User]:
    """The call's organisers (active accounts), who are told of each submitted report."""
    return list(db.session.scalars(db.select(User).join(CallRole, CallRole.user_id == User.id).where(
        CallRole.call_id == plan.call_id, CallRole.role == CallRoleKind.ORGANISER, User.active).order_by(User.id)))


def submit(*, report: ImpactReport, actor: User) -> ImpactReport:
    """Submit the saved report: complete (ImpactError "incomplete"{missing}, see `missing`) or not at all.
    Recorded in the audit log; each organiser of the call is emailed through the outbox."""
    locks.hold(f"impact-report:{report.id}")
    _editable(report)
    gaps = missing(report)
    if gaps:
        raise ImpactError("incomplete", missing=gaps)
    report.status, report.submitted_at, report.submitted_by_id = ImpactReportStatus.SUBMITTED, utcnow(), actor.id
    db.session.flush()
    plan = report.plan
    audit.record(action=audit.AuditAction.IMPACT_REPORT_SUBMITTED, actor=actor, obj=report, call=plan.call,
                 details={"months": report.months})
    context = {"report": report, "plan": plan, "submission": plan.submission, "call": plan.call, "author": actor,
               "title": plan.submission.title, "months": report.months,
               "url": url_for("impact_followup.report", submission_id=plan.submission_id, months=report.months,
                              _external=True)}
    for organiser in organisers_of(plan):
        queue_email(kind="impact_report_submitted", to=organiser, call=plan.call, context=context, essential=False)
    return report


# --- attachments -------------------------------------------------------------------------------------------

def add_document(*, report: ImpactReport, actor: User, stream: IO[bytes], filename: str | None
                 ) -> ImpactReportDocument:
    """Attach a file to a report not yet submitted, checked from its content as every upload is
    (uploads.UploadError); at most MAX_DOCUMENTS ("too_many_documents"{max})."""
    _editable(report)
    if len(report.documents) >= MAX_DOCUMENTS:
        raise ImpactError("too_many_documents", max=MAX_DOCUMENTS)
    stored = uploads.store(stream, filename)
    document = ImpactReportDocument(report=report, display_name=stored.display_name, stored_name=stored.stored_name,
                                    content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                    uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit.record(action=audit.AuditAction.IMPACT_DOCUMENT_ADDED, actor=actor, obj=report, call=report.plan.call,
                 details={"file": document.display_name, "size": document.size})
    return document


def remove_document(*, document: ImpactReportDocument, actor: User) -> None:
    """Remove an attachment while its report is not submitted (its bytes go once the row is gone)."""
    report = document.report
    _editable(report)
    path = path_of(document)
    report.documents.remove(document)
    db.session.flush()
    audit.record(action=audit.AuditAction.IMPACT_DOCUMENT_REMOVED, actor=actor, obj=report, call=report.plan.call,
                 details={"file": document.display_name})
    uploads.delete_stored(path)


def path_of(document: ImpactReportDocument) -> str:
    return uploads.stored_path(document.stored_name)

"""Applicants' use cases: draft, edit, team, files, submit, withdraw — with the deadline enforced here,
on the server, whatever the page showed."""
from __future__ import annotations

import glob
import os
import uuid
from datetime import datetime
from decimal import Decimal
from types import EllipsisType
from typing import IO, Any

from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import economic_model as grid
from ..core import questions as engine
from ..core import scrubbing, spreadsheet
from ..core.uploads import kind_of_content_type, sniff_bytes
from ..enums import MemberRole, QuestionKind, SubmissionStatus
from ..errors import RuleError
from ..extensions import db
from ..models import (
    Call,
    FormQuestion,
    OrgUnit,
    Submission,
    SubmissionFile,
    SubmissionMember,
    TeamInvitation,
    User,
)
from ..models.types import utcnow
from . import audit, locks, uploads
from .calls import accepts_submissions
from .innovations import replications
from .outbox import queue_email
from .tokens import TokenError, make_token, normalise_email, read_token
from .uploads import archive_limits, upload_folder

CORE_FIELDS = ("title", "summary", "description", "category", "territory", "budget_requested")
REFERENCE_ATTEMPTS = 20
EMPTY = {"category": None, "budget_requested": None}  # the other core fields are empty strings
KIND_PREFIX = {"call_for_projects": "AAP", "call_for_interest": "AMI", "innovation_prize": "PRIX"}
# The economic-model grid's keys in problems and missing items ("model-cost_setup", "model-resources"): apart
# from the core fields and the organiser's question keys.
MODEL_PREFIX = "model-"


class SubmissionError(RuleError):
    """A request the submission rules refuse."""


class InvalidAnswers(SubmissionError):
    def __init__(self, problems: dict[str, engine.Problem]) -> None:
        super().__init__("invalid_answers")
        self.problems = problems


# --- the form of a call, as the engine sees it --------------------------------------------------------

def engine_question(question: FormQuestion) -> engine.Question:
    return engine.Question(key=question.key, kind=question.kind.value, label=question.label,
                           required=question.required, help=question.help_text, choices=tuple(question.choices),
                           minimum=question.minimum, maximum=question.maximum, max_length=question.max_length)


def _core_questions(call: Call) -> list[engine.Question]:
    """The fixed fields, checked by the same engine as the organiser's questions."""
    fields = [engine.Question("title", "short_text", "title", required=True, max_length=200),
              engine.Question("summary", "long_text", "summary", required=True, max_length=1500),
              engine.Question("description", "long_text", "description", required=True),
              engine.Question("territory", "short_text", "territory", max_length=300),
              engine.Question("budget_requested", "number", "budget_requested", minimum=Decimal(0),
                              maximum=Decimal("1000000000"))]
    if call.categories:
        fields.insert(3, engine.Question("category", "single_choice", "category", required=True,
                                         choices=tuple(call.categories)))
    return fields


def missing_items(submission: Submission) -> list[str]:
    """What stops this submission from being submitted: core field names and question keys, in form order."""
    call = submission.call
    values = {name: getattr(submission, name) for name in CORE_FIELDS}
    missing = engine.missing(_core_questions(call), values)
    if call.for_replication and submission.replicates_id is None:
        missing.insert(0, "replicates")  # a call for replication: the innovation the project takes up
    if call.economic_model_section:
        missing += [MODEL_PREFIX + code for code in grid.missing(submission.economic_model or {})]
    files_by_question = {f.question_key for f in submission.files}
    answers = dict(submission.answers)
    for question in call.questions:
        if question.kind == QuestionKind.FILE:
            answers[question.key] = [1] if question.key in files_by_question else []
    missing += engine.missing([engine_question(q) for q in call.questions], answers)
    return missing


# --- eligibility --------------------------------------------------------------------------------------

def _unit_lineage_ids(unit: OrgUnit | None) -> set[int]:
    return {u.id for u in unit.lineage()} if unit is not None else set()


def eligibility_problem(call: Call, user: User) -> str | None:
    """Why `user` may not start a new submission to `call`, or None."""
    if not user.email_confirmed:
        return "email_not_confirmed"
    # Each eligibility rule the organiser set is a way in: meeting any one of them is enough.
    ways_in = []
    if call.eligible_unit_ids:
        ways_in.append(bool(set(call.eligible_unit_ids) & _unit_lineage_ids(user.unit)))
    if call.eligible_email_domains:
        ways_in.append(_domain_allowed(call, user.email))
    if ways_in and not any(ways_in):
        return "not_eligible"
    if call.max_submissions_per_applicant and _led_count(call, user.id) >= call.max_submissions_per_applicant:
        return "max_submissions_reached"
    return None


def _led_count(call: Call, user_id: int) -> int:
    """How many projects of `call` the person leads, withdrawn ones aside (what the call's maximum counts)."""
    return db.session.scalar(
        db.select(db.func.count(Submission.id)).join(SubmissionMember)
        .where(Submission.call_id == call.id, SubmissionMember.user_id == user_id,
               SubmissionMember.role == MemberRole.LEAD, Submission.status != SubmissionStatus.WITHDRAWN))


def _hold_projects_of(call: Call, user_id: int) -> None:
    """Serialise, until the end of the transaction, the requests that count the projects a person leads in
    `call` and then add one (ten tabs, a double click): counting then inserting is only a limit if nobody
    else can count in between. Take it before counting."""
    locks.hold(f"submissions:{call.id}:lead:{user_id}")


def _domain_allowed(call: Call, email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == d.lower().lstrip("@") or domain.endswith("." + d.lower().lstrip("@"))
               for d in call.eligible_email_domains)


# --- the deadline -------------------------------------------------------------------------------------

def require_open(call: Call, now: datetime | None = None) -> None:
    """Refuse anything that changes a submission outside the submission period."""
    if not accepts_submissions(call, now):
        raise SubmissionError("closed", deadline=call.submission_deadline)


# --- drafts -------------------------------------------------------------------------------------------

def _next_reference(call: Call, skip: int = 0) -> str:
    year = (call.submission_deadline or utcnow()).year
    prefix = f"{KIND_PREFIX[call.kind.value]}-{year}-{call.id}-"
    count = db.session.scalar(db.select(db.func.count(Submission.id)).where(Submission.call_id == call.id))
    return f"{prefix}{count + 1 + skip:04d}"


def create_draft(*, call: Call, user: User, title: str, creation_key: str | None = None) -> Submission:
    """Start a submission. With the same `creation_key` (a double click, a second tab), return the first."""
    _hold_projects_of(call, user.id)
    if creation_key:
        existing = db.session.scalar(db.select(Submission).where(Submission.creation_key == creation_key))
        if existing is not None and user.id in existing.member_ids():
            return existing
    require_open(call)
    problem = eligibility_problem(call, user)
    if problem:
        raise SubmissionError(problem, max=call.max_submissions_per_applicant)
    title = title.strip()
    value, issue = engine.parse_answer(_core_questions(call)[0], [title])
    if issue is not None:
        raise InvalidAnswers({"title": issue})
    for skip in range(REFERENCE_ATTEMPTS):
        submission = Submission(call=call, title=value or "", reference=_next_reference(call, skip),
                                creation_key=creation_key, created_by_id=user.id)
        submission.members.append(SubmissionMember(user_id=user.id, role=MemberRole.LEAD))
        try:
            with db.session.begin_nested():  # a savepoint: a clash undoes this insert only
                db.session.add(submission)
        except IntegrityError:
            # Another request took this reference, or this very creation key, at the same instant.
            if creation_key:
                existing = db.session.scalar(db.select(Submission).where(Submission.creation_key == creation_key))
                if existing is not None and user.id in existing.member_ids():
                    return existing
            continue
        audit.record(action=audit.AuditAction.SUBMISSION_CREATED, actor=user, obj=submission, call=call)
        return submission
    raise SubmissionError("busy")


def _economic_model(submission: Submission, raw: dict[str, list[str]] | None) -> grid.Parsed:
    """The grid as typed (`raw` keyed by the grid's names, without the prefix), or as it is stored when the call
    does not ask for it or the form did not send it."""
    if raw is None or not submission.call.economic_model_section:
        return grid.Parsed(dict(submission.economic_model or {}), {})
    parsed = grid.parse(raw)
    return grid.Parsed(parsed.values, {MODEL_PREFIX + key: problem for key, problem in parsed.problems.items()})


def save(*, submission: Submission, user: User, version: int, core: dict[str, list[str]],
         answers: dict[str, list[str]], replicates: int | None | EllipsisType = ...,
         economic_model: dict[str, list[str]] | None = None) -> None:
    """Save what the team typed. A draft may be incomplete; a submitted project must stay complete.

    `version` is the one the editor started from: if a team member saved in between, SubmissionError
    "stale" is raised and nothing is overwritten (unless what was sent is what is already saved: then there
    is nothing to do). Malformed answers raise InvalidAnswers (nothing is saved). In a call for replication,
    `replicates` is the id of the catalogue's innovation the project takes up (None: not chosen yet; left
    out: as it is). `economic_model` is the grid as posted, keyed by core.economic_model's names (None: as it
    is); it is read only when the call asks for the grid, and its problems are keyed "model-<name>".
    """
    require_open(submission.call)
    if submission.status == SubmissionStatus.WITHDRAWN:
        raise SubmissionError("withdrawn")
    core_parsed = engine.parse_answers(_core_questions(submission.call), core)
    own = [engine_question(q) for q in submission.call.questions]
    answers_parsed = engine.parse_answers(own, answers)
    model = _economic_model(submission, economic_model)
    if replicates is ... or not submission.call.for_replication:
        replicates = submission.replicates_id
    elif replicates is not None and replicates != submission.replicates_id and not replications.may_be_taken_up(
            replicates):
        core_parsed.problems["replicates"] = engine.Problem("unknown_choice")
    problems = {**core_parsed.problems, **model.problems, **answers_parsed.problems}  # in the form's order
    if not problems and _same_content(submission, core_parsed.values, answers_parsed.values, replicates,
                                      model.values):
        # Nothing changed, or the same content sent twice (a double click, a re-sent form): no conflict,
        # and nothing to record.
        return
    if version != submission.version:
        raise SubmissionError("stale", version=submission.version)
    if problems:
        raise InvalidAnswers(problems)
    before = ({name: getattr(submission, name) for name in CORE_FIELDS}, dict(submission.answers),
              submission.replicates_id, submission.economic_model)
    for name in CORE_FIELDS:
        setattr(submission, name, _core_value(name, core_parsed.values))
    # Answers to file questions are the files themselves; keep nothing else from the post for them.
    submission.answers = answers_parsed.values
    submission.replicates_id = replicates
    submission.economic_model = model.values or None
    missing = missing_items(submission) if submission.status == SubmissionStatus.SUBMITTED else []
    if missing:
        for name, value in before[0].items():
            setattr(submission, name, value)
        submission.answers, submission.replicates_id, submission.economic_model = before[1:]
        raise SubmissionError("submitted_must_stay_complete", missing=missing)
    submission.updated_at = utcnow()
    try:
        db.session.flush()  # the version column makes a concurrent save fail here, not silently win
    except StaleDataError as error:
        raise SubmissionError("stale") from error
    audit.record(action=audit.AuditAction.SUBMISSION_SAVED, actor=user, obj=submission, call=submission.call)


def _core_value(name: str, parsed: dict[str, Any]) -> Any:
    value = parsed.get(name, EMPTY.get(name, ""))
    return Decimal(str(value)) if name == "budget_requested" and value is not None else value


def _same_content(submission: Submission, core: dict[str, Any], answers: dict[str, Any],
                  replicates: int | None, economic_model: dict[str, Any]) -> bool:
    return (all(getattr(submission, name) == _core_value(name, core) for name in CORE_FIELDS)
            and dict(submission.answers) == answers and submission.replicates_id == replicates
            and dict(submission.economic_model or {}) == economic_model)


def changed_since_submitted(submission: Submission) -> bool:
    """Whether the team saved or attached something after the last submission (a new receipt is due)."""
    if submission.submitted_at is None:
        return True
    latest = max([submission.updated_at, *(f.uploaded_at for f in submission.files)])
    return latest > submission.submitted_at


def submit(*, submission: Submission, user: User) -> bool:
    """Submit (or re-submit after edits) before the deadline; send the team a receipt. In a call for
    replication, the project joins the replication of the innovation it takes up.

    Returns False when it was already submitted and nothing changed (a double click).
    """
    require_open(submission.call)
    if submission.status == SubmissionStatus.SUBMITTED and not changed_since_submitted(submission):
        return False
    missing = missing_items(submission)
    if missing:
        raise SubmissionError("incomplete", missing=missing)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = utcnow()
    submission.withdrawn_at = None
    db.session.flush()
    audit.record(action=audit.AuditAction.SUBMISSION_SUBMITTED, actor=user, obj=submission, call=submission.call)
    _send_receipts(submission)
    replications.link_project(submission=submission, actor=user)
    return True


def save_and_submit(*, submission: Submission, user: User, version: int, core: dict[str, list[str]],
                    answers: dict[str, list[str]], replicates: int | None | EllipsisType = ...,
                    economic_model: dict[str, list[str]] | None = None) -> tuple[bool, list[str]]:
    """Save what the team typed, then submit it when nothing is missing: the "Submit" button of the form.

    Returns (submitted, missing). When something is missing the typed content is still saved, as a draft
    (or, for a project already submitted, refused by `save` if it would make it incomplete).
    """
    save(submission=submission, user=user, version=version, core=core, answers=answers, replicates=replicates,
         economic_model=economic_model)
    missing = missing_items(submission)
    if missing:
        return False, missing
    return submit(submission=submission, user=user), []


def _send_receipts(submission: Submission) -> None:
    url = url_for("applicant.edit", submission_id=submission.id, _external=True)
    for member in submission.members:
        queue_email(kind="submission_receipt", to=member.user, call=submission.call,
                    context={"submission": submission, "call": submission.call, "url": url,
                             "files": [f.display_name for f in submission.files]})


def withdraw(*, submission: Submission, user: User) -> None:
    """Withdraw a draft or a submitted project. Before the deadline, it can be submitted again."""
    if submission.status == SubmissionStatus.WITHDRAWN:
        return
    if submission.call.phase.value in ("published", "archived"):
        raise SubmissionError("results_published")
    submission.status = SubmissionStatus.WITHDRAWN
    submission.withdrawn_at = utcnow()
    db.session.flush()
    replications.project_withdrawn(submission=submission, actor=user)
    audit.record(action=audit.AuditAction.SUBMISSION_WITHDRAWN, actor=user, obj=submission, call=submission.call)


def reopen(*, submission: Submission, user: User) -> None:
    """Bring a withdrawn submission back as a draft, before the deadline, if its lead still has room under
    the call's maximum (a withdrawn project freed its place, which another may have taken since)."""
    call = submission.call
    require_open(call)
    if submission.status != SubmissionStatus.WITHDRAWN:
        return
    lead = next((m.user_id for m in submission.members if m.role == MemberRole.LEAD), None)
    if call.max_submissions_per_applicant and lead is not None:
        _hold_projects_of(call, lead)
        if _led_count(call, lead) >= call.max_submissions_per_applicant:
            raise SubmissionError("max_submissions_reached", max=call.max_submissions_per_applicant)
    submission.status = SubmissionStatus.DRAFT
    submission.submitted_at = None
    db.session.flush()
    audit.record(action=audit.AuditAction.SUBMISSION_REOPENED, actor=user, obj=submission, call=submission.call)


# --- the team -----------------------------------------------------------------------------------------

def invite(*, submission: Submission, actor: User, email: str) -> TeamInvitation:
    """Invite a co-applicant by email (a signed link; they accept it signed in with that address)."""
    require_open(submission.call)
    email = normalise_email(email)
    if any(m.user.email == email for m in submission.members):
        raise SubmissionError("already_member")
    invitation = TeamInvitation(submission=submission, email=email, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    token = make_token("team", {"inv": invitation.id, "email": email})
    queue_email(kind="team_invitation", to=email, call=submission.call, sensitive=True,
                locale=actor.locale.value,
                context={"inviter": actor, "submission": submission, "call": submission.call,
                         "url": url_for("applicant.join", token=token, _external=True)})
    audit.record(action=audit.AuditAction.SUBMISSION_MEMBER_INVITED, actor=actor, obj=submission, call=submission.call,
                 details={"email": email})
    return invitation


def invitation_from_token(token: str) -> TeamInvitation:
    payload = read_token("team", token, max_age=current_app.config["INVITATION_MAX_AGE_SECONDS"])
    invitation = db.session.get(TeamInvitation, payload.get("inv"))
    if invitation is None or invitation.email != payload.get("email"):
        raise TokenError("invalid")
    return invitation


def accept_invitation(*, token: str, user: User) -> Submission:
    invitation = invitation_from_token(token)
    if invitation.email != user.email:
        raise SubmissionError("invitation_for_another_address", email=invitation.email)
    submission = invitation.submission
    if invitation.accepted_at is not None and user.id not in submission.member_ids():
        # Accepted, then removed from the team: the old link must not let them back in.
        raise SubmissionError("invitation_used")
    if user.id not in submission.member_ids():
        submission.members.append(SubmissionMember(user_id=user.id, role=MemberRole.CO_APPLICANT))
    if invitation.accepted_at is None:
        invitation.accepted_at = utcnow()
        invitation.accepted_by_id = user.id
        audit.record(action=audit.AuditAction.SUBMISSION_MEMBER_JOINED, actor=user, obj=submission,
                     call=submission.call)
    db.session.flush()
    return submission


def remove_member(*, submission: Submission, actor: User, member: SubmissionMember) -> None:
    if member.role == MemberRole.LEAD:
        raise SubmissionError("cannot_remove_lead")
    submission.members.remove(member)
    audit.record(action=audit.AuditAction.SUBMISSION_MEMBER_REMOVED, actor=actor, obj=submission, call=submission.call,
                 details={"user_id": member.user_id})
    db.session.flush()


# --- files --------------------------------------------------------------------------------------------

def add_file(*, submission: Submission, user: User, stream: IO[bytes], filename: str | None,
             question_key: str | None = None) -> SubmissionFile:
    """Check an upload from its content, store it under a generated name outside the web root."""
    require_open(submission.call)
    if question_key is not None and question_key not in {q.key for q in submission.call.questions
                                                          if q.kind == QuestionKind.FILE}:
        raise SubmissionError("unknown_question")
    try:
        stored = uploads.store(stream, filename)
    except uploads.UploadError as error:  # the same codes, said by the applicants' table
        raise SubmissionError(*error.codes, **error.params) from error
    record = SubmissionFile(submission=submission, question_key=question_key, display_name=stored.display_name,
                            stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
                            sha256=stored.sha256, uploaded_by_id=user.id)
    db.session.add(record)
    db.session.flush()
    audit.record(action=audit.AuditAction.SUBMISSION_FILE_ADDED, actor=user, obj=submission, call=submission.call,
                 details={"file": record.display_name, "size": record.size})
    return record


def anonymous_file_name(record: SubmissionFile) -> str:
    """A name that says nothing of the authors: the project's reference, the file's rank, its extension."""
    rank = next((i for i, f in enumerate(record.submission.files, start=1) if f.id == record.id), 1)
    extension = record.display_name.rsplit(".", 1)[-1].lower() if "." in record.display_name else "bin"
    return f"{record.submission.reference}-{rank}.{extension}"


def file_path(record: SubmissionFile) -> str:
    return os.path.join(upload_folder(), record.stored_name)


def _cleaned_path(record: SubmissionFile) -> str:
    stem, _dot, extension = record.stored_name.rpartition(".")
    return os.path.join(upload_folder(), f"{stem}.clean{scrubbing.VERSION}.{extension}")


def _cleaned_copies(record: SubmissionFile) -> list[str]:
    """Every clean copy of the file, by this version of the cleaner or an earlier one."""
    stem = record.stored_name.rpartition(".")[0]
    return glob.glob(os.path.join(glob.escape(upload_folder()), f"{glob.escape(stem)}.clean*"))


def file_to_serve(*, record: SubmissionFile, without_metadata: bool) -> str:
    """The path of the bytes to send: the file as uploaded or, `without_metadata`, a copy without what names
    its authors (prizeapp.core.scrubbing), for people who must not learn who the applicants are.

    The copy is made once and kept beside the original, which never changes (a new upload is a new file);
    the original stays as uploaded for everyone else. Raises FileNotFoundError when the stored file is
    missing, and SubmissionError "file_not_cleaned" when no clean copy can be made: the original must then
    not be sent instead.
    """
    original = file_path(record)
    if not without_metadata:
        return original
    cleaned = _cleaned_path(record)
    if os.path.exists(cleaned):
        return cleaned
    with open(original, "rb") as stored:
        data = stored.read()
    # Judged again from its bytes, with today's archive limits: it may have been stored before them.
    limits = archive_limits()
    kind = sniff_bytes(data, limits=limits)
    try:
        if kind is None or kind != kind_of_content_type(record.content_type):
            raise scrubbing.ScrubError(f"stored as {record.content_type}, recognised as {kind}")
        clean = scrubbing.scrub(data, kind, limits=limits)
    except scrubbing.ScrubError as error:
        current_app.logger.warning("Metadata of file %s (submission %s) could not be removed, not served: %s",
                                   record.id, record.submission_id, error)
        raise SubmissionError("file_not_cleaned") from error
    # Written aside then renamed: a reader never sees half a copy, two requests at once both end well.
    partial = f"{cleaned}.{uuid.uuid4().hex}.part"
    with open(partial, "xb") as out:
        out.write(clean)
    os.replace(partial, cleaned)
    return cleaned


def remove_file(*, record: SubmissionFile, user: User) -> None:
    submission = record.submission
    require_open(submission.call)
    if submission.status == SubmissionStatus.SUBMITTED and record.question_key:
        question = next((q for q in submission.call.questions if q.key == record.question_key), None)
        others = [f for f in submission.files if f.question_key == record.question_key and f.id != record.id]
        if question is not None and question.required and not others:
            raise SubmissionError("submitted_must_stay_complete", missing=[record.question_key])
    path = file_path(record)
    submission.files.remove(record)
    db.session.flush()
    audit.record(action=audit.AuditAction.SUBMISSION_FILE_REMOVED, actor=user, obj=submission, call=submission.call,
                 details={"file": record.display_name})
    # The bytes go once the row is gone; a rolled-back request keeps a harmless orphan, never a dangling row.
    uploads.delete_stored(path, *_cleaned_copies(record))


# --- export -------------------------------------------------------------------------------------------

# The economic-model grid's columns in the export, when the call asks for the grid: its texts and amounts,
# each resource kind's share and date, then the share of public money and its band.
MODEL_COLUMNS = (*grid.TEXT_FIELDS, *grid.MONEY_FIELDS, *(f"share_{kind}" for kind in grid.RESOURCE_KINDS),
                 *(f"secured_until_{kind}" for kind in grid.RESOURCE_KINDS), "public_share", "public_dependency")


def _model_cells(values: dict | None) -> list[str]:
    """A project's grid as export cells, in MODEL_COLUMNS' order (amounts with a decimal point, ISO dates)."""
    values = values or {}
    shares = grid.shares(values)
    until = {r.get("kind"): r.get("secured_until") or "" for r in values.get("resources") or ()
             if isinstance(r, dict)}
    public = grid.public_share(values)
    return [str(values.get(name) or "") for name in grid.TEXT_FIELDS] + [
        "" if (amount := grid.money(values, name)) is None else str(amount) for name in grid.MONEY_FIELDS] + [
        str(shares[kind]) if kind in shares else "" for kind in grid.RESOURCE_KINDS] + [
        until.get(kind, "") for kind in grid.RESOURCE_KINDS] + [
        "" if public is None else str(public), grid.dependency(values) or ""]


def export_rows(call: Call, submissions: list[Submission]) -> tuple[list[str], list[list[str]]]:
    """One row per submission, every answer in its own column (for the organisers' CSV export); with the
    economic-model grid's columns (MODEL_COLUMNS) after the answers when the call asks for the grid."""
    headers = ["reference", "status", "title", "summary", "description", "category", "territory",
               "budget_requested", "lead", "lead_email", "team", "submitted_at"]
    headers += [q.label for q in call.questions]
    with_model = call.economic_model_section
    if with_model:
        headers += list(MODEL_COLUMNS)
    rows = []
    for s in submissions:
        lead = next((m.user for m in s.members if m.role == MemberRole.LEAD), None)
        team = "; ".join(f"{m.user.full_name} <{m.user.email}>" for m in s.members)
        row = [s.reference, s.status.value, s.title, s.summary, s.description, s.category or "", s.territory,
               "" if s.budget_requested is None else str(s.budget_requested),
               lead.full_name if lead else "", lead.email if lead else "", team,
               s.submitted_at.isoformat() if s.submitted_at else ""]
        for q in call.questions:
            if q.kind == QuestionKind.FILE:
                row.append("; ".join(f.display_name for f in s.files if f.question_key == q.key))
            else:
                value = s.answers.get(q.key, "")
                row.append("; ".join(value) if isinstance(value, list) else str(value))
        if with_model:
            row += _model_cells(s.economic_model)
        rows.append(row)
    return headers, rows


def export_csv(call: Call, submissions: list[Submission]) -> str:
    """The organisers' CSV of submissions (see prizeapp.core.spreadsheet: BOM, semicolons, formulas defused)."""
    headers, rows = export_rows(call, submissions)
    return spreadsheet.to_csv(headers, rows)

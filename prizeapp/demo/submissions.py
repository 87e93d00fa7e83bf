"""The demo's submissions: the call for projects' few (aap_projects.toml) and the prize's sixty (the plan).

Each is created only when its demo key is missing. They are built directly, not through
services.submissions.create_draft/save/submit: those enforce the submission period (the prize is past its
deadline), and submit() queues a receipt email per team member, whose link needs url_for(_external=True) — in
`flask demo` there is no request, so no host — and which `make run`'s outbox worker would then deliver to ~70
fake addresses. So no email is queued and no audit event is written for them. The financing plans do go through
services.submissions.add_file (the call is open): they are checked and stored exactly like an upload, and
add_file records its audit event. The economic-model grids are checked as the form checks them (grids.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..enums import MemberRole, QuestionKind, SubmissionStatus
from ..extensions import db
from ..models import Call, Submission, SubmissionMember, User
from ..services.submissions import _next_reference, add_file
from . import grids
from .calls import QUESTIONS
from .files import FINANCING_FILENAME, financing_pdf
from .people import NAMED
from .plan import PrizePlan
from .resources import load_typeset
from .texts import CATEGORIES


@dataclass(frozen=True)
class AapProject:
    """One submission of aap_projects.toml (which says what each field holds)."""

    key: str
    lead: str
    co_applicants: tuple[str, ...]
    submitted: bool
    days_ago: float
    title: str
    summary: str = ""
    description: str = ""
    category: str | None = None
    territory: str = ""
    budget: int | None = None
    territory_type: str | None = None
    agents: int | None = None
    financing: tuple[tuple[str, int], ...] = ()
    economic_model: dict[str, Any] | None = None  # the grid as the data gives it (grids.answer reads it)


def _aap_project(entry: dict[str, Any]) -> AapProject:
    return AapProject(
        key=entry["key"], lead=entry["lead"], co_applicants=tuple(entry.get("co_applicants", ())),
        submitted=entry["submitted"], days_ago=entry["days_ago"], title=entry["title"],
        summary=entry.get("summary", ""), description=entry.get("description", ""),
        category=CATEGORIES[entry["category"]] if "category" in entry else None,
        territory=entry.get("territory", ""), budget=entry.get("budget"),
        territory_type=entry.get("territory_type"), agents=entry.get("agents"),
        financing=tuple((line["label"], line["amount"]) for line in entry.get("financing", ())),
        economic_model=entry.get("economic_model"))


AAP_PROJECTS = [_aap_project(entry) for entry in load_typeset("aap_projects")["projects"]]


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


def aap_submissions(call: Call, users: dict[str, User], now: datetime) -> None:
    """The call for projects' submitted projects and drafts, with their answers and financing plans."""
    by_name = {p.full_name: users[p.email] for p in NAMED}
    keys = [f"demo-{p.key}" for p in AAP_PROJECTS]
    existing = _existing_keys(keys)
    questions = {q.label: q for q in call.questions}
    territory_label, agents_label, financing_label = (
        QUESTIONS[name]["label"] for name in ("territory", "agents", "financing"))
    for project, key in zip(AAP_PROJECTS, keys):
        if key in existing:
            continue
        created = max(now - timedelta(days=project.days_ago), call.opens_at + timedelta(hours=1))
        submitted = created + timedelta(days=project.days_ago * 0.6) if project.submitted else None
        answers = {}
        if project.territory_type and territory_label in questions:
            answers[questions[territory_label].key] = project.territory_type
        if project.agents is not None and agents_label in questions:
            answers[questions[agents_label].key] = project.agents
        lead = by_name[project.lead]
        submission = _new_submission(
            call, key, lead, [by_name[name] for name in project.co_applicants],
            status=SubmissionStatus.DRAFT, title=project.title, summary=project.summary,
            description=project.description, category=project.category, territory=project.territory,
            budget_requested=None if project.budget is None else Decimal(project.budget), answers=answers,
            economic_model=grids.answer(key, project.economic_model, submitted=submitted or created),
            created_at=created, updated_at=submitted or created + timedelta(hours=3))
        question = questions.get(financing_label)
        if project.financing and question is not None and question.kind == QuestionKind.FILE:
            pdf = financing_pdf(project.title, project.financing)
            record = add_file(submission=submission, user=lead, stream=io.BytesIO(pdf),
                              filename=FINANCING_FILENAME, question_key=question.key)
            record.uploaded_at = (submitted or now) - timedelta(hours=1)
        if project.submitted:
            submission.status, submission.submitted_at = SubmissionStatus.SUBMITTED, submitted
    db.session.flush()


def prize_submissions(call: Call, users: dict[str, User], plans: list[PrizePlan]) -> None:
    """The prize's sixty projects, submitted before its deadline as the plan says."""
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

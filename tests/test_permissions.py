"""The rules of prizeapp/permissions.py asked directly, without HTTP: rule × objects → the roles it allows.

The people and objects are those of the access matrix's world (tests/views/access_world.py), built once for
the module; each row is undone after it. The matrix checks that the routes ask these rules; these rows check
what the rules answer, role by role, faster and for cases no route reaches alone (a recusal, a blind call).
Every public rule of the module has a row (test_every_rule_has_a_row).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask_login import AnonymousUserMixin

from prizeapp import permissions
from prizeapp.enums import BlindLevel, ConflictSource, MemberRole
from prizeapp.extensions import db
from prizeapp.models import (
    Assignment,
    Call,
    ConflictDeclaration,
    OutboxEmail,
    PoolMember,
    ReviewerInvitation,
    Submission,
    SubmissionFile,
    SubmissionMember,
    User,
)
from prizeapp.models.decision import Recusal
from prizeapp.models.review_pool import ExclusionRequest
from prizeapp.models.types import utcnow

from .views.access import ROLES as MATRIX_ROLES

pytestmark = pytest.mark.usefixtures("module_transaction")

# The matrix's roles, the team of {team_draft} (its lead and co-applicant) and the lead of another draft.
ROLES = [*MATRIX_ROLES, "lead", "co_applicant", "other_applicant"]
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ORGANISERS = {"organiser", "admin"}
TEAM = {"lead", "co_applicant"}
REVIEWERS = {"reviewer", "conflicted_reviewer"}


def _get(model, key: str) -> Callable[[dict], object]:
    return lambda ids: db.session.get(model, ids[key])


def _declaration(source: ConflictSource) -> Callable[[dict], object]:
    return lambda ids: db.session.scalar(db.select(ConflictDeclaration).where(
        ConflictDeclaration.submission_id == ids["submission"], ConflictDeclaration.source == source))


def _lead_member(ids: dict) -> SubmissionMember:
    return db.session.scalar(db.select(SubmissionMember).where(SubmissionMember.submission_id == ids["team_draft"],
                                                               SubmissionMember.role == MemberRole.LEAD))


# The objects of the world a row may ask about, by name.
OBJECTS: dict[str, Callable[[dict], object]] = {
    "call": _get(Call, "call"),
    "other_call": _get(Call, "other_call"),
    "draft_call": lambda ids: db.session.scalar(db.select(Call).where(Call.slug == ids["draft_call_slug"])),
    "call_email": _get(OutboxEmail, "call_email"),
    "private_email": _get(OutboxEmail, "private_email"),
    "submission": _get(Submission, "submission"),
    "draft": _get(Submission, "draft"),
    "team_draft": _get(Submission, "team_draft"),
    "published_submission": _get(Submission, "published_submission"),
    "unpublished_team_submission": _get(Submission, "unpublished_team_submission"),
    "submitted_file": _get(SubmissionFile, "submitted_file"),
    "draft_file": _get(SubmissionFile, "draft_file"),
    "co_applicant_member": _get(SubmissionMember, "co_applicant_member"),
    "lead_member": _lead_member,
    "reviewer_assignment": _get(Assignment, "reviewer_assignment"),
    "conflicted_assignment": _get(Assignment, "conflicted_assignment"),
    "exclusion_request": _get(ExclusionRequest, "pool_exclusion_request"),
    "organiser_declaration": _declaration(ConflictSource.ORGANISER),
    "reviewer_declaration": _declaration(ConflictSource.REVIEWER),
    "pool_invitation": _get(ReviewerInvitation, "pool_invitation"),
}


# --- changes to the world that some rows make first ------------------------------------------------------

def declarations_confirmed(ids, people):
    """The world's reviewer has declared their conflicts from the titles."""
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == ids["call"],
                                                           PoolMember.user_id == people["reviewer"]))
    member.conflicts_declared_at = utcnow()


def invitation_to_the_reviewer(ids, people):
    """An invitation to review sent to the world's reviewer's own address."""
    invitation = ReviewerInvitation(call_id=ids["call"], email=db.session.get(User, people["reviewer"]).email,
                                    invited_by_id=people["organiser"])
    db.session.add(invitation)
    return {"own_invitation": invitation}


def blind_call(ids, people):
    db.session.get(Call, ids["call"]).blind = BlindLevel.BLIND


def reviewers_unnamed_to_jury(ids, people):
    db.session.get(Call, ids["call"]).reviewers_named_to_jury = False


def results_published(ids, people):
    db.session.get(Call, ids["call"]).results_published_at = utcnow()


def jury_recused(ids, people):
    """The world's jury member is recused from {submission}."""
    db.session.add(Recusal(call_id=ids["call"], submission_id=ids["submission"], jury_member_id=people["jury"],
                           reason="Lien avec l'équipe", recused_by_id=people["organiser"]))


def published_record(ids, people):
    """{published_submission} (the world's user's laureate) has a published record, its call is organised by
    the world's organiser, the world's reviewer is its parrain and its jury member asked to take it up."""
    from prizeapp.enums import CallRoleKind
    from prizeapp.models import CallRole, InnovationSponsor, InnovationVersion, Replication
    from prizeapp.services.innovations import records

    from . import factories

    project = db.session.get(Submission, ids["published_submission"])
    db.session.add(CallRole(call_id=project.call_id, user_id=people["organiser"], role=CallRoleKind.ORGANISER))
    record = records.start(submission=project, actor=db.session.get(User, people["user"]))
    version = InnovationVersion(innovation=record, number=2, content=records.clean(factories.record_content()))
    db.session.add(version)
    db.session.flush()
    records.apply_published(record, version)
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=people["reviewer"]))
    replication = Replication(innovation=record, requester_id=people["jury"], organisation="Ville voisine")
    db.session.add(replication)
    return {"record": record, "replication": replication}


def draft_record(ids, people):
    """{published_submission} has a record still in draft."""
    from prizeapp.services.innovations import records

    project = db.session.get(Submission, ids["published_submission"])
    return {"record": records.start(submission=project, actor=db.session.get(User, people["user"]))}


@dataclass(frozen=True)
class Row:
    rule: str
    about: tuple[str, ...]  # the rule's arguments after the user: names of OBJECTS (or of what `arrange` adds)
    allowed: frozenset[str]  # the roles it answers True for; False for every other role
    arrange: Callable | None = None

    def __str__(self) -> str:
        return " ".join([self.rule, *self.about, *([self.arrange.__name__] if self.arrange else [])])


def row(rule: str, *about: str, allowed=(), arrange=None) -> Row:
    return Row(rule, about, frozenset(allowed), arrange)


ROWS = [
    # Accounts, the outbox and the audit log.
    row("can_use_account", allowed=SIGNED_IN),
    row("can_view_outbox", allowed=ORGANISERS),
    row("can_view_email", "call_email", allowed=ORGANISERS),
    row("can_view_email", "private_email", allowed={"admin"}),
    row("can_resend_email", "call_email", allowed=ORGANISERS),
    row("can_resend_email", "private_email", allowed={"admin"}),
    row("can_view_email_body", "call_email", allowed=ORGANISERS),
    row("can_view_email_body", "private_email", allowed=()),  # sensitive: nobody, administrators included
    row("can_view_audit_log", allowed={"admin"}),
    # Calls.
    row("can_create_call", allowed=ORGANISERS),
    row("can_manage_calls", allowed=ORGANISERS),
    row("can_manage_call", "call", allowed=ORGANISERS),
    row("can_manage_call", "other_call", allowed={"admin"}),
    row("can_view_call", "call", allowed=ROLES),
    row("can_view_call", "draft_call", allowed=ORGANISERS),
    row("can_manage_call_emails", "call", allowed=ORGANISERS),
    row("can_manage_call_emails", "other_call", allowed={"admin"}),
    row("can_view_call_audit", "call", allowed=ORGANISERS),
    row("can_view_call_audit", "other_call", allowed={"admin"}),
    # Submissions and their teams.
    row("can_edit_submission", "team_draft", allowed=TEAM),
    row("can_edit_submission", "submission", allowed=()),
    row("can_view_submission", "submission", allowed=ORGANISERS | {"reviewer"}),
    row("can_view_submission", "team_draft", allowed=TEAM),
    row("can_view_submission", "draft", allowed=()),
    row("can_view_submission_as_organiser", "submission", allowed=ORGANISERS),
    row("can_view_submission_as_organiser", "draft", allowed=()),
    row("can_download_file", "submitted_file", allowed=ORGANISERS | {"reviewer", "jury"}),
    row("can_download_file", "draft_file", allowed=TEAM),
    row("can_remove_member", "team_draft", "co_applicant_member", allowed=TEAM),
    row("can_remove_member", "team_draft", "lead_member", allowed=()),
    row("can_exclude_reviewers", "team_draft", allowed=TEAM),
    row("can_exclude_reviewers", "submission", allowed=()),
    # Reviewing.
    row("can_review_anything", allowed=REVIEWERS),
    row("can_review_for_call", "call", allowed=REVIEWERS),
    row("can_review_for_call", "other_call", allowed=()),
    row("can_bid", "call", allowed=()),
    row("can_bid", "call", allowed={"reviewer"}, arrange=declarations_confirmed),
    row("can_view_submission_as_reviewer", "submission", allowed={"reviewer"}),
    row("can_answer_invitation", "pool_invitation", allowed=()),
    row("can_answer_invitation", "own_invitation", allowed={"reviewer"}, arrange=invitation_to_the_reviewer),
    row("can_decline_assignment", "reviewer_assignment", allowed={"reviewer"}),
    row("can_decline_assignment", "conflicted_assignment", allowed={"conflicted_reviewer"}),
    row("can_score", "reviewer_assignment", allowed={"reviewer"}),
    row("can_score", "conflicted_assignment", allowed=()),
    row("can_decide_exclusion_request", "exclusion_request", allowed=ORGANISERS),
    row("can_withdraw_conflict", "organiser_declaration", allowed=ORGANISERS),
    row("can_withdraw_conflict", "reviewer_declaration", allowed=()),
    # The jury's ranking and blind review.
    row("can_view_jury_calls", allowed={"jury"}),
    row("can_view_ranking", "call", allowed=ORGANISERS | {"jury"}),
    row("can_view_ranking", "other_call", allowed={"admin"}),
    row("can_compute_ranking", "call", allowed=ORGANISERS),
    row("can_see_reviewer_names", "call", allowed=ORGANISERS | {"jury"}),
    row("can_see_reviewer_names", "call", allowed=ORGANISERS, arrange=reviewers_unnamed_to_jury),
    row("can_see_applicants", "submission", allowed=ROLES),
    row("can_see_applicants", "submission", allowed=ORGANISERS | {"jury"}, arrange=blind_call),
    row("can_see_applicants", "team_draft", allowed=ORGANISERS | {"jury"} | TEAM, arrange=blind_call),
    # Deliberation and results.
    row("can_view_project_as_jury", "submission", allowed=ORGANISERS | {"jury"}),
    row("can_view_project_as_jury", "submission", allowed=ORGANISERS, arrange=jury_recused),
    row("can_deliberate_as_jury", "call", allowed={"jury"}),
    row("can_vote", "call", allowed={"jury"}),
    row("can_vote", "call", allowed=(), arrange=results_published),
    row("can_decide", "call", allowed=ORGANISERS),
    row("can_view_decision", "published_submission", allowed={"user"}),
    row("can_view_decision", "unpublished_team_submission", allowed=()),
    # Essaimage: records, parrains, replications.
    row("can_start_innovation", "published_submission", allowed={"user"}),
    row("can_start_innovation", "submission", allowed=()),
    row("can_view_innovation", "record", allowed=ROLES, arrange=published_record),
    row("can_view_innovation", "record", allowed={"user", "admin"}, arrange=draft_record),
    row("can_edit_innovation", "record", allowed={"user"}, arrange=published_record),
    row("can_check_innovation", "record", allowed=ORGANISERS, arrange=published_record),
    row("can_check_innovation", "record", allowed={"admin"}, arrange=draft_record),
    row("can_check_innovations", allowed=ORGANISERS),
    row("can_assign_sponsors", "record", allowed=ORGANISERS, arrange=published_record),
    row("can_comment_readiness", "record", allowed={"reviewer"}, arrange=published_record),
    row("can_request_replication", "record", allowed=SIGNED_IN - {"user"}, arrange=published_record),
    row("can_request_replication", "record", allowed=(), arrange=draft_record),
    row("can_follow_replication", "replication", allowed={"user", "organiser", "reviewer", "jury", "admin"},
        arrange=published_record),
    row("can_write_on_replication", "replication", allowed={"user", "reviewer", "jury"}, arrange=published_record),
    row("can_update_replication", "replication", allowed={"jury"}, arrange=published_record),
    row("can_view_innovation_versions", "record", allowed={"user", "organiser", "reviewer", "admin"},
        arrange=published_record),
    row("can_view_innovation_versions", "record", allowed={"user", "admin"}, arrange=draft_record),
    row("can_contact_repreneur", "replication", allowed={"user", "reviewer", "jury"}, arrange=published_record),
    row("can_volunteer_as_sponsor", allowed=SIGNED_IN),
    # Impact follow-up.
    row("can_follow_up_impact", "published_submission", allowed={"user"}),
    row("can_follow_up_impact", "unpublished_team_submission", allowed=()),
    row("can_view_impact", "published_submission", allowed={"user", "admin"}),
    row("can_view_impact", "unpublished_team_submission", allowed=ORGANISERS),
    row("can_view_call_impact", "call", allowed=ORGANISERS),
    row("can_compare_outcomes", allowed=ORGANISERS),
]


def _person(role: str, people: dict[str, int]):
    return AnonymousUserMixin() if role == "anonymous" else db.session.get(User, people[role])


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_rule(access_world, row):
    people, ids = access_world
    added = (row.arrange(ids, people) or {}) if row.arrange else {}
    db.session.commit()  # undone after the test, with the rest of what it did
    arguments = [added[name] if name in added else OBJECTS[name](ids) for name in row.about]
    rule = getattr(permissions, row.rule)

    allowed = {role for role in ROLES if rule(_person(role, people), *arguments)}

    assert allowed == row.allowed


def test_every_rule_has_a_row():
    rules = {name for name, fn in inspect.getmembers(permissions, inspect.isfunction)
             if name.startswith("can_") and fn.__module__ == permissions.__name__}
    asked = {r.rule for r in ROWS}
    assert (rules - asked, asked - rules) == (set(), set())

"""The world of the access matrix (test_access_matrix.py), also the one tests/test_permissions.py asks the rules
about: one call with an organiser, reviewers, a jury member and a team, and what each area adds (the `build` of
each access_<area>.py)."""
from __future__ import annotations

from prizeapp.enums import CallRoleKind, OutboxStatus, SubmissionStatus

from .. import factories
from . import (
    access_assignment,
    access_catalogue,
    access_catalogue_pages,
    access_deliberation,
    access_impact_dashboards,
    access_impact_followup,
    access_impact_overview,
    access_impartial,
    access_innovations,
    access_jury,
    access_notifications,
    access_opendata,
    access_parrains,
    access_pool,
    access_ranking_explained,
    access_replications,
    access_results,
    access_review,
    access_reviewer,
)

# Each adds its rows and objects to the world.
AREAS = (access_pool, access_reviewer, access_review, access_assignment, access_jury, access_deliberation,
         access_results, access_notifications, access_impartial, access_parrains, access_catalogue_pages,
         access_innovations, access_replications, access_catalogue, access_opendata,
         access_impact_dashboards, access_impact_followup, access_impact_overview, access_ranking_explained)


def build_world():
    """One call with an organiser, a reviewer and a jury member; emails about that call and about no call."""
    call = factories.call()
    people = {"user": factories.user(), "organiser": factories.user(),
              "reviewer": factories.user(email="relectrice@ville-exemple.fr"),
              "jury": factories.user(email="jure@agglo-exemple.fr"), "admin": factories.user(admin=True)}
    factories.grant(people["organiser"], call, CallRoleKind.ORGANISER)
    factories.grant(people["reviewer"], call, CallRoleKind.REVIEWER)
    factories.grant(people["jury"], call, CallRoleKind.JURY)
    ids = {"call_email": factories.email(call_id=call.id, status=OutboxStatus.FAILED).id,
           "private_email": factories.email(status=OutboxStatus.FAILED, sensitive=True).id}
    ids |= {"call": call.id, "other_call": factories.call().id,
            "question": factories.question(call=call).id,
            "submission": factories.submission(call=call, status=SubmissionStatus.SUBMITTED).id,
            "draft": factories.submission(call=call).id}
    ids |= _applicant_world(call, people)
    _reviewer_world(call, people, ids["submission"])
    ids["jury_id"] = people["jury"].id
    for area in AREAS:
        ids |= area.build(call, people)
    return people, ids


def _reviewer_world(call, people, submission_id: int) -> None:
    """Both reviewers are in the pool and assigned (committed) to {submission}; the conflicted one then
    declared a conflict with it, which must close everything of that project to them."""
    from prizeapp.enums import AssignmentStatus, ConflictSource
    from prizeapp.extensions import db
    from prizeapp.models import Assignment, ConflictDeclaration

    # Addresses of their own: everyone else shares example.gouv.fr, which in so small a call is a conflict.
    people["conflicted_reviewer"] = factories.user(email="relecteur@region-exemple.fr")
    for role in ("reviewer", "conflicted_reviewer"):
        factories.pool_member(call=call, user=people[role])
        db.session.add(Assignment(call_id=call.id, submission_id=submission_id, reviewer_id=people[role].id,
                                  status=AssignmentStatus.COMMITTED))
    db.session.add(ConflictDeclaration(submission_id=submission_id, reviewer_id=people["conflicted_reviewer"].id,
                                       source=ConflictSource.REVIEWER, reason="Mon ancienne équipe"))
    db.session.commit()


def _applicant_world(call, people) -> dict:
    """A draft with a lead and a co-applicant, a file on it and on the submitted project, a draft call of the
    world's organiser, and an invitation link to the draft (for an address nobody has)."""
    from prizeapp.enums import CallPhase
    from prizeapp.extensions import db
    from prizeapp.models import Submission, TeamInvitation
    from prizeapp.services.accounts import make_token

    draft_call = factories.call(phase=CallPhase.DRAFT)
    factories.grant(people["organiser"], draft_call, CallRoleKind.ORGANISER)
    lead, co_applicant = factories.user(), factories.user()
    team_draft = factories.submission(call=call, lead=lead, members=(co_applicant,))
    submitted = db.session.scalar(db.select(Submission).where(Submission.call_id == call.id,
                                                              Submission.status == SubmissionStatus.SUBMITTED))
    invitation = TeamInvitation(submission=team_draft, email="invitee@example.org", invited_by_id=lead.id)
    db.session.add(invitation)
    db.session.commit()
    people |= {"lead": lead, "co_applicant": co_applicant,
               "other_applicant": factories.submission(call=call).members[0].user}
    return {"call_slug": call.slug, "draft_call_slug": draft_call.slug, "team_draft": team_draft.id,
            "co_applicant_member": team_draft.members[1].id,
            "draft_file": factories.file(submission=team_draft).id,
            "submitted_file": factories.file(submission=submitted).id,
            "join_token": make_token("team", {"inv": invitation.id, "email": invitation.email})}

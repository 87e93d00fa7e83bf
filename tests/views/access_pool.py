"""Access matrix rows for the organisers' pages of a call's reviewer pool and conflicts: the call's organisers
and administrators only; reviewers, even of this call, never (test_pool.py tests what each page does)."""
from __future__ import annotations

from .access import Route, only

SEE = only({"organiser": 200, "admin": 200})
ACT = only({"organiser": 302, "admin": 302})
POOL = "/manage/calls/{call}/pool"
CONFLICTS = "/manage/calls/{call}/conflicts"

ROWS: list[Route] = [
    Route("pool.pool", "GET", POOL, SEE),
    Route("pool.pool", "GET", "/manage/calls/{other_call}/pool", only({"admin": 200})),
    Route("pool.invite", "POST", POOL + "/invite", ACT, data={"emails": "nouvel.evaluateur@example.org"}),
    Route("pool.resend", "POST", POOL + "/invitations/{pool_invitation}/resend", ACT),
    # An invitation is reached through its own call only.
    Route("pool.resend", "POST", "/manage/calls/{other_call}/pool/invitations/{pool_invitation}/resend",
          only({"admin": 404})),
    Route("pool.cancel_invitation", "POST", POOL + "/invitations/{pool_invitation}/cancel", ACT),
    Route("pool.remove", "POST", POOL + "/members/{pool_removable}/remove", ACT),
    Route("pool.max_load", "POST", POOL + "/members/{pool_reviewer}/max-load", ACT, data={"max_load": "3"}),
    Route("pool.conflicts", "GET", CONFLICTS, SEE),
    Route("pool.conflicts", "GET", "/manage/calls/{other_call}/conflicts", only({"admin": 200})),
    # Row data holds no ids of the world: the forms are refused (400) once access is granted.
    Route("pool.declare", "POST", CONFLICTS + "/declare", only({"organiser": 400, "admin": 400})),
    Route("pool.waive", "POST", CONFLICTS + "/waive", only({"organiser": 400, "admin": 400})),
    Route("pool.revoke_waiver", "POST", CONFLICTS + "/waivers/{pool_waiver}/revoke", ACT),
    Route("pool.revoke_waiver", "POST", "/manage/calls/{other_call}/conflicts/waivers/{pool_waiver}/revoke",
          only({"admin": 404})),
    Route("pool.withdraw", "POST", CONFLICTS + "/declarations/{pool_declaration}/withdraw", ACT),
    # An applicants' exclusion asked for after the deadline: decided by the call's organisers only, never by
    # its reviewers or jury, and reached through its own call only.
    Route("pool.decide_request", "POST", CONFLICTS + "/requests/{pool_exclusion_request}/decide", ACT,
          data={"decision": "decline", "reason": "Aucun lien établi"}),
    Route("pool.decide_request", "POST",
          "/manage/calls/{other_call}/conflicts/requests/{pool_exclusion_request}/decide", only({"admin": 404}),
          data={"decision": "decline", "reason": "Aucun lien établi"}),
    Route("pool.affinity", "GET", "/manage/calls/{call}/affinity", SEE),
    Route("pool.affinity", "GET", "/manage/calls/{call}/affinity?submission={submission}&reviewer={pool_reviewer}",
          SEE),
    Route("pool.affinity", "GET",
          "/manage/calls/{other_call}/affinity?submission={submission}&reviewer={pool_reviewer}",
          only({"admin": 404})),
]


def build(call, people) -> dict:
    """An unanswered invitation, someone in the pool without assignments, and, on the pair of the conflicted
    reviewer and {submission} (conflicted already, so nothing else changes), a conflict set by an organiser and
    a waiver of a reason that does not apply; and a pending request of {submission}'s team to exclude someone."""
    from prizeapp.enums import ConflictSource, PoolStatus
    from prizeapp.extensions import db
    from prizeapp.models import (
        ConflictDeclaration,
        ConflictWaiver,
        ReviewerInvitation,
        Submission,
    )

    from .. import factories

    invitation = ReviewerInvitation(call_id=call.id, email="sans.reponse@example.org",
                                    invited_by_id=people["organiser"].id)
    removable = factories.pool_member(call=call, user=factories.user(email="partant@ville-exemple.org"),
                                      status=PoolStatus.DECLINED)
    submission = db.session.scalar(db.select(Submission).where(Submission.call_id == call.id,
                                                               Submission.submitted_at.is_not(None)))
    conflicted = people["conflicted_reviewer"]
    declaration = ConflictDeclaration(submission_id=submission.id, reviewer_id=conflicted.id,
                                      source=ConflictSource.ORGANISER, reason="Ancien collègue",
                                      declared_by_id=people["organiser"].id)
    waiver = ConflictWaiver(submission_id=submission.id, reviewer_id=conflicted.id, code="same_service",
                            reason="Services séparés", waived_by_id=people["organiser"].id)
    from prizeapp.models.review_pool import ExclusionRequest

    exclusion_request = ExclusionRequest(submission_id=submission.id, email="ecarte@ville-exemple.org",
                                         reason="Concurrent direct")
    db.session.add_all([invitation, declaration, waiver, exclusion_request])
    db.session.commit()
    return {"pool_invitation": invitation.id, "pool_removable": removable.user_id,
            "pool_reviewer": people["reviewer"].id, "pool_declaration": declaration.id, "pool_waiver": waiver.id,
            "pool_exclusion_request": exclusion_request.id}

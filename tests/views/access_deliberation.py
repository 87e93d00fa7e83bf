"""Access matrix rows for jury votes, recusals, decisions, the deliberation record, the impartial selection.

Votes and self-recusal are the jury's (organisers who are not in the jury have no vote); decisions,
recusals by decision and the record (its page and its PDF) are the organisers' (administrators too); the jury
pack is for those who read the ranking: the call's jury and organisers."""
from __future__ import annotations

from .access import Route, only

JURY = {"jury": 200}
ORGANISERS = {"organiser": 200, "admin": 200}
ORGANISERS_POST = {"organiser": 302, "admin": 302}

ROWS: list[Route] = [
    Route("jury.votes", "GET", "/jury/calls/{call}/votes", only(JURY)),
    Route("jury.vote", "POST", "/jury/calls/{call}/projects/{submission}/vote", only({"jury": 302}),
          data={"choice": "mention", "comment": "À suivre"}),
    Route("jury.vote", "POST", "/jury/calls/{call}/projects/{draft}/vote", only({"jury": 404})),
    Route("jury.recuse", "POST", "/jury/calls/{call}/projects/{submission}/recuse", only({"jury": 302})),
    Route("deliberation.decisions", "GET", "/manage/calls/{call}/decisions", only(ORGANISERS)),
    Route("deliberation.decisions", "GET", "/manage/calls/{other_call}/decisions", only({"admin": 200})),
    Route("deliberation.decide", "POST", "/manage/calls/{call}/decisions/{submission}", only(ORGANISERS_POST),
          data={"outcome": "mention", "reason": "Projet prometteur"}),
    Route("deliberation.draft_from_ranking", "POST", "/manage/calls/{call}/decisions/from-ranking",
          only(ORGANISERS_POST), data={"laureates": "1", "mentions": "0", "reason_laureate": "Lauréat",
                                       "reason_mention": "Mention", "reason_not_selected": "Non retenu"}),
    Route("deliberation.recuse", "POST", "/manage/calls/{call}/recusals", only(ORGANISERS_POST),
          data={"jury_member": "{jury_id}", "submission": "{submission}", "reason": "Lien avec l'équipe"}),
    Route("deliberation.lift_recusal", "POST", "/manage/calls/{call}/recusals/{recusal}/lift",
          only(ORGANISERS_POST)),
    Route("deliberation.record", "GET", "/manage/calls/{call}/deliberation", only(ORGANISERS)),
    Route("deliberation.printable", "GET", "/manage/calls/{call}/deliberation/{deliberation}", only(ORGANISERS)),
    Route("deliberation.printable_pdf", "GET", "/manage/calls/{call}/deliberation/{deliberation}.pdf",
          only(ORGANISERS)),
    Route("deliberation.printable_pdf", "GET", "/manage/calls/{other_call}/deliberation/{deliberation}.pdf",
          only({"admin": 404})),
    # The jury pack is the ranking's readers'; no ranking is computed in this world: they get "not found".
    Route("deliberation.jury_pack_pdf", "GET", "/jury/calls/{call}/pack.pdf",
          only({"organiser": 404, "jury": 404, "admin": 404})),
]


def build(call, people) -> dict:
    """A recusal of a second jury member (so that lifting it leaves the world's jury member as it was) and
    a recorded meeting."""
    from prizeapp.enums import CallRoleKind, SubmissionStatus
    from prizeapp.extensions import db
    from prizeapp.models import Submission
    from prizeapp.models.decision import Deliberation, Recusal

    from .. import factories

    other_juror = factories.user(email="jure@departement-exemple.fr")
    factories.grant(other_juror, call, CallRoleKind.JURY)
    submitted = db.session.scalar(db.select(Submission).where(Submission.call_id == call.id,
                                                              Submission.status == SubmissionStatus.SUBMITTED))
    recusal = Recusal(call_id=call.id, submission_id=submitted.id, jury_member_id=other_juror.id, reason="Test",
                      recused_by_id=people["organiser"].id)
    meeting = Deliberation(call_id=call.id, present_ids=[people["jury"].id], notes="Séance")
    db.session.add_all([recusal, meeting])
    db.session.commit()
    return {"recusal": recusal.id, "deliberation": meeting.id}

"""Access matrix rows for a peer prize's impartial selection: the call's organisers and administrators only
(the jury records decisions elsewhere; applicants, who review each other, see none of it)."""
from __future__ import annotations

from .access import Route, only

ROWS: list[Route] = [
    # The world's call is reviewed by a panel: the page only says the selection does not apply.
    Route("impartial.selection", "GET", "/manage/calls/{call}/impartial", only({"organiser": 200, "admin": 200})),
    Route("impartial.selection", "GET", "/manage/calls/{other_call}/impartial", only({"admin": 200})),
    Route("impartial.selection", "GET", "/manage/calls/{impartial_peer_call}/impartial",
          only({"organiser": 200, "admin": 200})),
    Route("impartial.selection", "POST", "/manage/calls/{impartial_peer_call}/impartial",
          only({"organiser": 302, "admin": 302}), data={"groups": "2"}),
]


def build(call, people) -> dict:
    """A peer prize organised by the world's organiser, with three submitted projects."""
    from prizeapp import enums
    from prizeapp.extensions import db

    from .. import factories

    peer = factories.call(title="Prix entre pairs")
    peer.review_mode, peer.prize_count = enums.ReviewMode.PEER, 1
    factories.grant(people["organiser"], peer, enums.CallRoleKind.ORGANISER)
    for _ in range(3):
        factories.submission(call=peer, status=enums.SubmissionStatus.SUBMITTED)
    db.session.commit()
    return {"impartial_peer_call": peer.id}

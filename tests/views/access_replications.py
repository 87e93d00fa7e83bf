"""Access matrix rows for replications: asking to take an innovation up, its timeline, messages, the status.

{repl_slug} is a published innovation of another call (with published results), organised by the world's
organiser (its checker). The world's "user" leads the project it comes from (its team), the "reviewer" is its
parrain, the "jury" member asked to take it up ({replication}); the "conflicted_reviewer" is nobody to it.
{draft_repl_slug} is a record not published yet.
"""
from __future__ import annotations

from .access import Route, only, signed_in

REQUEST = {"organisation": "Commune de Vitré", "territory_name": "Vitré", "departement_code": "35",
           "region_code": "", "commune_code": "", "territory_kind": "", "motivation": "Nos aidants s'épuisent."}
FOLLOWERS = {"user": 200, "reviewer": 200, "jury": 200, "organiser": 200, "admin": 200}

ROWS: list[Route] = [
    # Any signed-in agent but the team asks; the one who already asked is shown their request.
    Route("replications.request_replication", "GET", "/innovations/{repl_slug}/replicate",
          signed_in(200) | {"user": 403}),
    Route("replications.request_replication", "POST", "/innovations/{repl_slug}/replicate",
          signed_in(302) | {"user": 403, "jury": 409}, data=REQUEST),
    Route("replications.request_replication", "GET", "/innovations/{draft_repl_slug}/replicate", only({})),
    Route("replications.request_replication", "GET", "/innovations/no-such-innovation/replicate", signed_in(404)),
    # The repreneur, the team, the parrain and the checkers read the timeline; the first three write on it.
    Route("replications.timeline", "GET", "/replications/{replication}", only(FOLLOWERS)),
    Route("replications.timeline", "GET", "/replications/2147483000", signed_in(404)),
    Route("replications.message", "POST", "/replications/{replication}/messages",
          only({"user": 302, "reviewer": 302, "jury": 302}), data={"body": "Bonjour, parlons-en."}),
    # Its status is the repreneur's to tell.
    Route("replications.status", "POST", "/replications/{replication}/status", only({"jury": 302}),
          data={"status": "preparing", "note": "", "variant": "", "results": ""}),
    Route("replications.mine", "GET", "/replications", signed_in(200)),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallRoleKind

    from .. import factories

    innovation = factories.innovation(lead=people["user"], title="Conciergerie des aidants, reprise")
    factories.grant(people["organiser"], innovation.call, CallRoleKind.ORGANISER)
    factories.parrain_of(innovation, user=people["reviewer"])
    replication = factories.replication(innovation, requester=people["jury"])
    draft = factories.innovation(published=False, title="Innovation en brouillon")
    return {"repl_slug": innovation.slug, "draft_repl_slug": draft.slug, "replication": replication.id}

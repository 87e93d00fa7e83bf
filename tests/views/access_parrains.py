"""Access matrix rows for the parrains: the public directory, volunteering and one's own sponsorships (any
signed-in agent), assigning parrains to a record (its call's organisers and administrators), the opinion of
readiness (the record's parrains only).

{sponsored_slug} is a published record of a call the world's organiser organises; the world's reviewer is a
parrain (a profile, listed) assigned to it."""
from __future__ import annotations

from .access import Route, everyone, only, signed_in

CHECKERS = {"organiser": 200, "admin": 200}

ROWS: list[Route] = [
    Route("parrains.directory", "GET", "/parrains", everyone(200)),
    Route("parrains.directory", "GET", "/parrains?theme=social&region=53&page=2", everyone(200)),
    Route("parrains.volunteer", "GET", "/account/parrain", signed_in(200)),
    # Saving needs an expertise: a form sent without one is shown again with the problem.
    Route("parrains.volunteer", "POST", "/account/parrain", signed_in(400)),
    # Who has no profile is told so, and sent back like the parrain who stops.
    Route("parrains.stop", "POST", "/account/parrain/stop", signed_in(302)),
    Route("parrains.mine", "GET", "/account/parrain/innovations", signed_in(200)),
    Route("parrains.assign", "GET", "/innovations/{sponsored_slug}/parrains", only(CHECKERS)),
    Route("parrains.assign", "GET", "/innovations/no-such-record/parrains", signed_in(404)),
    Route("parrains.assign", "POST", "/innovations/{sponsored_slug}/parrains", only({"organiser": 400, "admin": 400}),
          data={"sponsor": "0"}),
    Route("parrains.remove", "POST", "/innovations/{sponsored_slug}/parrains/{sponsor_id}/remove",
          only({"organiser": 302, "admin": 302})),
    Route("parrains.readiness", "GET", "/innovations/{sponsored_slug}/readiness", only({"reviewer": 200})),
    Route("parrains.readiness", "POST", "/innovations/{sponsored_slug}/readiness", only({"reviewer": 302}),
          data={"opinion": "ready", "body": ""}),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallPhase, CallRoleKind
    from prizeapp.extensions import db
    from prizeapp.models import InnovationSponsor
    from prizeapp.models.types import utcnow

    from .. import factories

    edition = factories.call(title="Prix des parrains", phase=CallPhase.PUBLISHED)
    edition.results_published_at = utcnow()
    factories.grant(people["organiser"], edition, CallRoleKind.ORGANISER)
    record = factories.innovation(call=edition)
    factories.sponsor(user=people["reviewer"], themes=["social"], region_code="53")
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=people["reviewer"].id))
    db.session.commit()
    return {"sponsored_slug": record.slug, "sponsor_id": people["reviewer"].id}

"""Access matrix rows for the page of an innovation, its history and versions, its printable sheet, the sitemap
and robots.txt.

{innovation_public} is a published record: everyone reads it. {innovation_draft} was never published: the
world's "user" is its lead, the world's organiser organises its call (a checker), administrators check every
record; for anybody else it does not exist (404, anonymous people included). {innovation_withdrawn} was
withdrawn: Gone (410) for the public, still readable by its checkers."""
from __future__ import annotations

from .access import ROLES, Route, everyone


def roles(default: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, default) for role in ROLES}


CHECKERS = {"organiser": 200, "admin": 200}
DRAFT = roles(404, user=200, **CHECKERS)
WITHDRAWN = roles(410, **CHECKERS)

ROWS: list[Route] = [
    Route("catalogue.page", "GET", "/innovations/{innovation_public}", everyone(200)),
    Route("catalogue.page", "GET", "/innovations/{innovation_draft}", DRAFT),
    Route("catalogue.page", "GET", "/innovations/{innovation_withdrawn}", WITHDRAWN),
    Route("catalogue.page", "GET", "/innovations/aucune-fiche-de-ce-nom", everyone(404)),
    Route("catalogue.history", "GET", "/innovations/{innovation_public}/history", everyone(200)),
    Route("catalogue.history", "GET", "/innovations/{innovation_draft}/history", DRAFT),
    Route("catalogue.history", "GET", "/innovations/{innovation_withdrawn}/history", WITHDRAWN),
    # Version 2 is the approved one; version 1, the team's first draft, is for its team and checkers only.
    Route("catalogue.version", "GET", "/innovations/{innovation_public}/versions/2", everyone(200)),
    Route("catalogue.version", "GET", "/innovations/{innovation_public}/versions/1", roles(404, **CHECKERS)),
    Route("catalogue.version", "GET", "/innovations/{innovation_draft}/versions/1", DRAFT),
    Route("catalogue.sheet", "GET", "/innovations/{innovation_public}/sheet.pdf", everyone(200)),
    Route("catalogue.sheet", "GET", "/innovations/{innovation_draft}/sheet.pdf", DRAFT),
    Route("catalogue.sitemap", "GET", "/sitemap.xml", everyone(200)),
    Route("catalogue.robots", "GET", "/robots.txt", everyone(200)),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallPhase, CallRoleKind, InnovationStatus
    from prizeapp.extensions import db
    from prizeapp.models.types import utcnow
    from prizeapp.services.innovations import search

    from .. import factories

    records_call = factories.call(title="Appel dont les lauréats ont une fiche", phase=CallPhase.PUBLISHED)
    records_call.results_published_at = utcnow()
    factories.grant(people["organiser"], records_call, CallRoleKind.ORGANISER)
    public = factories.innovation(call=records_call, title="Fiche publique du monde")
    draft = factories.innovation(call=records_call, lead=people["user"], published=False,
                                 title="Fiche en brouillon du monde")
    withdrawn = factories.innovation(call=records_call, title="Fiche retirée du monde")
    withdrawn.status, withdrawn.withdrawn_reason = InnovationStatus.WITHDRAWN, "Le dispositif a cessé."
    search.remove(withdrawn.id)
    db.session.commit()
    return {"innovation_public": public.slug, "innovation_draft": draft.slug,
            "innovation_withdrawn": withdrawn.slug}

"""Access matrix rows for the open data (files of the catalogue and the replications, a call's SCDL grants) and the
read-only API: everything is public, for everyone, signed in or not. The world's call has no published results:
its grants are not found; {grants_call_slug} has published results and an awarded amount."""
from __future__ import annotations

from .access import Route, everyone

ROWS: list[Route] = [
    Route("opendata.index", "GET", "/open-data", everyone(200)),
    Route("opendata.innovations_csv", "GET", "/open-data/innovations.csv", everyone(200)),
    Route("opendata.innovations_json", "GET", "/open-data/innovations.json", everyone(200)),
    Route("opendata.innovations_jsonld", "GET", "/open-data/innovations.jsonld", everyone(200)),
    Route("opendata.replications_csv", "GET", "/open-data/replications.csv", everyone(200)),
    Route("opendata.replications_json", "GET", "/open-data/replications.json", everyone(200)),
    Route("opendata.grants", "GET", "/calls/{grants_call_slug}/subventions.csv", everyone(200)),
    Route("opendata.grants", "GET", "/calls/{call_slug}/subventions.csv", everyone(404)),
    Route("api.root", "GET", "/api/v1", everyone(302)),
    Route("api.docs", "GET", "/api/v1/docs", everyone(200)),
    Route("api.openapi", "GET", "/api/v1/openapi.json", everyone(200)),
    Route("api.innovations", "GET", "/api/v1/innovations", everyone(200)),
    Route("api.innovations", "GET", "/api/v1/innovations?theme=nope", everyone(400)),
    Route("api.innovation", "GET", "/api/v1/innovations/{api_public_slug}", everyone(200)),
    Route("api.innovation", "GET", "/api/v1/innovations/{api_draft_slug}", everyone(404)),
    Route("api.not_found", "GET", "/api/v1/nothing/here", everyone(404)),
]


def build(call, people) -> dict:
    from decimal import Decimal

    from prizeapp.enums import CallPhase, DecisionOutcome, SubmissionStatus
    from prizeapp.extensions import db
    from prizeapp.models.types import utcnow

    from .. import factories

    grants_call = factories.call(title="Prix aux montants publiés", phase=CallPhase.PUBLISHED)
    grants_call.results_published_at = utcnow()
    db.session.commit()
    laureate = factories.submission(call=grants_call, status=SubmissionStatus.SUBMITTED)
    factories.decision(laureate, DecisionOutcome.LAUREATE, amount=Decimal("3000.00"))
    public = factories.innovation(title="Fiche publique de l'API")
    draft = factories.innovation(title="Fiche en brouillon de l'API", published=False)
    return {"grants_call_slug": grants_call.slug, "api_public_slug": public.slug, "api_draft_slug": draft.slug}

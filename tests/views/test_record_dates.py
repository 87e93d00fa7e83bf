"""The dates of a record's versions, on the team's page and the checkers' pages: the long format of every
other page (« 4 décembre 2026, 03:59 »), never the digits of a spreadsheet (« 04/12/2026 03:59 »)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prizeapp.enums import CallPhase, CallRoleKind
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import sign_in_as, text

SENT = datetime(2026, 12, 4, 2, 59, tzinfo=UTC)  # 03:59 in Paris
FIRST = datetime(2026, 10, 1, 8, 15, tzinfo=UTC)  # 10:15 in Paris, the first of the month


@pytest.fixture
def world():
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(first_name="Sophie", email="sophie@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", email="aicha@ville.fr")
    waiting = factories.record_of_team(call=call, lead=lead, waiting=True, title="Conciergerie solidaire des aidants")
    for version in waiting.versions:
        version.created_at = SENT
        if version.number == 2:
            version.submitted_at = SENT
    published = factories.innovation(call=call, title="Navette rurale à la demande")
    published.published_at = FIRST
    db.session.commit()
    return {"organiser": organiser, "lead": lead, "waiting": waiting}


def test_the_versions_of_a_record_are_dated_in_words(client, world):
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/innovations/{world['waiting'].slug}/edit"))
    assert "4 décembre 2026, 03:59" in page
    assert "04/12/2026" not in page


def test_the_checking_list_dates_in_words(client, world):
    sign_in_as(client, world["organiser"])
    page = text(client.get("/manage/innovations"))
    assert "4 décembre 2026, 03:59" in page  # sent for checking
    assert "1er octobre 2026, 10:15" in page  # published lately
    assert "04/12/2026" not in page and "01/10/2026" not in page

"""Exports: a link on another site cannot make someone export (and so write to the audit log), and cells a
spreadsheet would run as formulas are defused."""
from __future__ import annotations

import pytest

from prizeapp.core.spreadsheet import defuse, to_csv
from prizeapp.enums import CallRoleKind
from prizeapp.extensions import db
from prizeapp.models import AuditEvent

from .. import factories
from ..conftest import sign_in_as

EXPORTS = ["/manage/calls/{call}/submissions.csv", "/manage/calls/{call}/audit.csv"]


def audit_rows() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))


@pytest.fixture
def organiser_client(client):
    organiser = factories.user()
    call = factories.call()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    sign_in_as(client, organiser)
    return client, call


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("origin", ["cross-site", "same-site"])
def test_an_export_reached_from_another_site_records_nothing_and_asks_first(organiser_client, path, origin):
    client, call = organiser_client
    before = audit_rows()

    response = client.get(path.format(call=call.id), headers={"Sec-Fetch-Site": origin})

    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert audit_rows() == before
    assert f'href="{path.format(call=call.id)}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("origin", ["same-origin", "none", None])
def test_an_export_from_this_site_or_typed_in_downloads_and_is_recorded(organiser_client, path, origin):
    client, call = organiser_client
    before = audit_rows()

    response = client.get(path.format(call=call.id), headers={"Sec-Fetch-Site": origin} if origin else {})

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert audit_rows() == before + 1


def test_no_page_reached_from_another_site_writes_to_the_audit_log(app, organiser_client):
    """Every GET route of the app, as an organiser arriving from another site."""
    client, call = organiser_client
    before = audit_rows()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(call.id)).replace(f"<{name}>", "x")
        client.get(path, headers={"Sec-Fetch-Site": "cross-site"})
    assert audit_rows() == before


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\x00=1",
                                  "＝1+1", "＋1", "－1", "＠SUM(A1)"])
def test_cells_a_spreadsheet_would_run_are_defused(cell):
    assert defuse(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Projet", "1 000 €", "'déjà", "a=b", ""])
def test_ordinary_text_is_left_as_it_is(cell):
    assert defuse(cell) == cell


def test_a_separator_or_a_quote_cannot_start_a_new_cell():
    body = to_csv(["titre"], [['x";=1+1;"', "a;@SUM(A1)"]])
    line = body.splitlines()[1]
    assert line == '"x"";=1+1;""";"a;@SUM(A1)"'

"""The audit pages (a call's, the platform's) speak words: every action by its label, every key of its details
by its meaning, people and projects by their names; the platform's log filters and exports like a call's."""
from __future__ import annotations

from datetime import datetime

import pytest
from flask_babel import force_locale
from markupsafe import escape

from prizeapp.enums import CallRoleKind
from prizeapp.extensions import db
from prizeapp.models import AuditEvent
from prizeapp.services import audit
from prizeapp.services.audit import AuditAction, Change, Detail

from .. import factories
from ..conftest import sign_in_as


def fr(text) -> str:
    with force_locale("fr"):
        return str(text)


def _sample(reader, world):
    """A value of the kind `reader` reads, naming the world's person and project."""
    person, project = world["person"].id, world["project"].id
    match type(reader).__name__:
        case "Person":
            return person
        case "People":
            return [person]
        case "Project":
            return project
        case "Pairs":
            return [[project, person]]
        case "Choice":
            return next(iter(reader.enum)).value
        case "When":
            return datetime(2026, 3, 31, 10, 0).isoformat()
        case "Size":
            return 2048
        case "Milestone":
            return "D-3"
        case "Group":
            return "call"
        case "OrNone":
            return None
        case "State":
            return {part.key: _sample(part.reader, world) for part in reader.parts}
    return "texte libre"


def _details(action: AuditAction, world) -> dict:
    details: dict = {}
    for part in action.details:
        if isinstance(part, Change):
            details[part.before] = details[part.after] = _sample(part.reader, world)
        elif part.label is not None:
            node = details
            *parents, last = part.key.split(".")
            for parent in parents:
                node = node.setdefault(parent, {})
            node[last] = _sample(part.reader, world)
    return details


@pytest.fixture
def world():
    call = factories.call(title="Appel Mobilités")
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    person = factories.user(first_name="Paul", last_name="Durand")
    project = factories.submission(call=call)
    world = {"call": call, "organiser": organiser, "admin": factories.user(admin=True), "person": person,
             "project": project}
    for action in AuditAction:
        audit.record(action=action, actor=organiser, obj=call, call=call, details=_details(action, world))
    db.session.commit()
    return world


def _assert_in_words(html: str, actions: list[AuditAction], world) -> None:
    for action in actions:
        assert escape(fr(action.label)) in html, action.value
        for part in action.details:
            if isinstance(part, Detail) and part.label is not None:
                assert escape(fr(part.label)) in html, f"{action.value}: {part.key}"
                assert f'<span class="muted">{part.top}</span>' not in html  # a key shown as it is stored
    readers = [reader for action in actions for reader in _readers(action)]
    if any(type(r).__name__ in ("Person", "People", "Pairs") for r in readers):
        assert "Paul Durand" in html
    if any(type(r).__name__ in ("Project", "Pairs") for r in readers):
        assert world["project"].reference in html
    assert "{&#39;" not in html and "[[" not in html  # no Python dict or list


def _readers(action: AuditAction) -> list:
    found, todo = [], [part.reader for part in action.details if isinstance(part, Change) or part.label is not None]
    while todo:
        reader = todo.pop()
        found.append(reader)
        todo += [part.reader for part in getattr(reader, "parts", ())]
    return found


GROUPS = sorted({action.group for action in AuditAction})


@pytest.mark.parametrize("group", GROUPS)
def test_call_audit_log_shows_every_action_of_a_group_in_words(client, world, group):
    sign_in_as(client, world["organiser"])

    html = client.get(f"/manage/calls/{world['call'].id}/audit?action={group}").get_data(as_text=True)

    _assert_in_words(html, [a for a in AuditAction if a.group == group], world)


@pytest.mark.parametrize("group", GROUPS)
def test_platform_audit_log_shows_every_action_of_a_group_in_words(client, world, group):
    sign_in_as(client, world["admin"])

    html = client.get(f"/admin/audit?action={group}").get_data(as_text=True)

    _assert_in_words(html, [a for a in AuditAction if a.group == group], world)
    assert escape(fr(audit.GROUPS[group])) in html  # the filter offers the group by its name


def test_platform_audit_log_filters_by_one_action_from_a_row(client, world):
    sign_in_as(client, world["admin"])

    html = client.get("/admin/audit?action=call.created").get_data(as_text=True)

    assert escape(fr(AuditAction.CALL_CREATED.label)) in html
    assert escape(fr(AuditAction.CALL_UPDATED.label)) not in html
    assert 'href="/admin/audit?action=call.created"' in html


def test_platform_audit_log_shows_an_action_no_longer_recorded_by_its_code(client, world):
    db.session.add(AuditEvent(action="something.old", details={"count": 3}))
    db.session.commit()
    sign_in_as(client, world["admin"])

    html = client.get("/admin/audit?action=something").get_data(as_text=True)

    assert "something.old" in html and '<span class="muted">count\u00a0:</span> 3' in html


def test_platform_audit_export_is_a_csv_of_the_filtered_events_and_is_itself_audited(client, world):
    sign_in_as(client, world["admin"])

    response = client.get("/admin/audit.csv?action=deliberation")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert fr(AuditAction.DELIBERATION_VOTED.label) in body and "deliberation.voted" in body
    assert "call.created" not in body
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.exported")
                              .order_by(AuditEvent.id.desc()).limit(1))
    rows = sum(1 for a in AuditAction if a.group == "deliberation")
    assert (event.actor_id, event.call_id, event.details) == (world["admin"].id, None,
                                                              {"filter": "deliberation", "rows": rows})


@pytest.mark.parametrize("origin", ["cross-site", "same-site"])
def test_platform_audit_export_reached_from_another_site_records_nothing_and_asks_first(client, world, origin):
    sign_in_as(client, world["admin"])
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))

    response = client.get("/admin/audit.csv", headers={"Sec-Fetch-Site": origin})

    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'href="/admin/audit.csv"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before


def test_platform_audit_export_is_for_administrators_only(client, world):
    sign_in_as(client, world["organiser"])
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))

    assert client.get("/admin/audit.csv").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before

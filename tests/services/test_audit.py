"""The audit vocabulary: every recorded action is an AuditAction, with a label, a group and the meaning of each
key of its details, so that the audit pages speak words rather than codes."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

import prizeapp
from prizeapp.extensions import db
from prizeapp.models import AuditEvent
from prizeapp.services import audit, jobs
from prizeapp.services.audit import AuditAction, Change, Detail

from .. import factories

SOURCES = Path(prizeapp.__file__).parent
ROOT = SOURCES.parent
FR_PO = SOURCES / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# Two call sites pass an action chosen by their caller; the tests below check what the callers pass.
INDIRECT = {("services/jobs.py", "kind.failed_action"), ("views/jury.py", "action")}


def _record_calls():
    """(file, call node, source) of every `audit.record(...)` in the app's sources."""
    for path in sorted(SOURCES.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                yield path.relative_to(SOURCES).as_posix(), node, source


def _members(expression: ast.expr) -> list[AuditAction] | None:
    """The AuditAction members an expression can be (`AuditAction.X`, `audit.AuditAction.X`, `a if c else b`),
    or None for anything else."""
    if isinstance(expression, ast.IfExp):
        body, orelse = _members(expression.body), _members(expression.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(expression, ast.Attribute) and expression.attr in AuditAction.__members__:
        owner = expression.value
        if (isinstance(owner, ast.Name) and owner.id == "AuditAction") or (
                isinstance(owner, ast.Attribute) and owner.attr == "AuditAction"):
            return [AuditAction[expression.attr]]
    return None


def _action_of(node: ast.Call) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == "action"), None)


def test_the_sources_record_audit_events():
    assert len(list(_record_calls())) > 60


def test_every_audit_record_passes_an_audit_action():
    wrong = []
    for filename, node, source in _record_calls():
        action = _action_of(node)
        if action is None or (_members(action) is None
                              and (filename, ast.get_source_segment(source, action)) not in INDIRECT):
            wrong.append(f"{filename}:{node.lineno}")
    assert wrong == []


def test_the_actions_chosen_by_callers_are_audit_actions():
    assert all(isinstance(kind.failed_action, AuditAction) for kind in jobs.KINDS)
    jury = ast.parse((SOURCES / "views" / "jury.py").read_text(encoding="utf-8"))
    exports = [node for node in ast.walk(jury) if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Name) and node.func.id == "_exported"]
    assert exports and all(_members(node.args[1]) for node in exports)


def test_recording_refuses_a_plain_string():
    call = factories.call()
    with pytest.raises(TypeError):
        audit.record(action="call.created", call=call)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 0


def test_an_action_is_stored_as_its_code():
    call = factories.call()
    event = audit.record(action=AuditAction.CALL_CREATED, call=call, obj=call, details={"title": "T"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AuditEvent, event.id).action == "call.created"
    assert type(db.session.get(AuditEvent, event.id).action) is str


def _described_keys(action: AuditAction) -> set[str]:
    keys = set()
    for part in action.details:
        keys |= {part.top} if isinstance(part, Detail) else {part.before, part.after}
    return keys


def test_every_key_a_call_site_records_is_described_by_its_action():
    undescribed = []
    for filename, node, _source in _record_calls():
        details = next((k.value for k in node.keywords if k.arg == "details"), None)
        if not isinstance(details, ast.Dict):
            continue
        keys = {k.value for k in details.keys if isinstance(k, ast.Constant)}  # None: a `**spread`
        for action in _members(_action_of(node)) or []:
            undescribed += [f"{filename}:{node.lineno} {action.value} {key}"
                            for key in sorted(keys - _described_keys(action))]
    assert undescribed == []


@pytest.mark.parametrize("action", list(AuditAction), ids=lambda a: a.value)
def test_every_action_has_a_label_a_group_and_a_description_of_its_details(action):
    assert _english(action.label).strip() and _english(action.label) != action.value
    assert action.group in audit.GROUPS
    assert isinstance(action.details, tuple)
    assert all(isinstance(part, Detail | Change) for part in action.details)


@pytest.fixture(scope="module")
def catalog():
    with open(FR_PO, "rb") as f:
        return read_po(f, locale="fr")


def _english(text) -> str:
    with force_locale("en"):
        return str(text)


def _words() -> set[str]:
    """Every label of the vocabulary: actions, groups, objects and the keys of the details."""
    words = {_english(a.label) for a in AuditAction}
    words |= {_english(w) for w in (*audit.GROUPS.values(), *audit.OBJECTS.values())}
    words |= {_english(part.label) for a in AuditAction for part in a.details
              if isinstance(part, Detail) and part.label is not None}
    return words


def test_every_label_of_the_vocabulary_has_a_french_translation(catalog):
    untranslated = sorted(w for w in _words() if catalog.get(w) is None or not catalog.get(w).string)
    assert untranslated == []

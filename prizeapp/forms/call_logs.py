"""The filters of a call's email log and of the audit logs (a call's, the platform's): GET forms (nothing
changes, no CSRF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from ..enums import OutboxStatus


class EmailFilterForm(Form):
    kind = SelectField(_l("Kind of email"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)

    def __init__(self, formdata, kinds: list[tuple[str, str]]) -> None:
        super().__init__(formdata)
        self.kind.choices = [SelectChoice("", _l("All kinds"))] + [SelectChoice(k, text) for k, text in kinds]
        self.status.choices = [SelectChoice("", _l("All statuses"))] + [
            SelectChoice(s.value, s.label) for s in OutboxStatus]


class AuditFilterForm(Form):
    action = SelectField(_l("Kind of event"), validate_choice=False)

    def __init__(self, formdata, prefixes: list[tuple[str, str]]) -> None:
        super().__init__(formdata)
        self.action.choices = [SelectChoice("", _l("All events"))] + [SelectChoice(p, text) for p, text in prefixes]

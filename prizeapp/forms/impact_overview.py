"""Forms of the organisers' follow-up pages: which outcome the comparison across editions shows."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..services.impact.outcomes import EVIDENCE_LEVEL, READINESS, REPLICATIONS, TARGETS_REACHED
from .base import PageForm

OUTCOME_LABELS = {EVIDENCE_LEVEL: _l("Latest evidence level (1 to 5)"),
                  TARGETS_REACHED: _l("Share of the targets reached at the latest report"),
                  READINESS: _l("Readiness to replicate (1 to 4)"),
                  REPLICATIONS: _l("Replications of its innovation record")}


class OutcomeForm(PageForm):
    """A query-string choice: the page shows the first outcome until another is picked."""

    class Meta:
        csrf = False

    outcome = SelectField(_l("Outcome compared with the place in the ranking"),
                          choices=[SelectChoice(value, label) for value, label in OUTCOME_LABELS.items()],
                          validators=[Optional()], default=EVIDENCE_LEVEL)

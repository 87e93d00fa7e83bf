"""Replications: asking to take an innovation up, a message on its timeline, the repreneur's change of status.
The territory's selects list France's départements and régions by their official codes (core.territories);
whether the codes agree is checked with the other fields (forms.territory), and again by the service
(services.innovations.replications.checked_territory)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..core.territories import DEPARTEMENTS, REGIONS
from ..enums import TerritoryKind
from ..formatting import alphabetical
from .base import PageForm
from .territory import check_codes

TEXT_MAX = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def departement_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a département")),
            *(SelectChoice(code, f"{name} ({code})")
              for code, (name, _region) in alphabetical(DEPARTEMENTS.items(), lambda item: item[1][0]))]


def region_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("The région of the département")),
            *(SelectChoice(code, name) for code, name in alphabetical(REGIONS.items(), lambda item: item[1]))]


def territory_kind_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Not said")), *(SelectChoice(kind.value, kind.label) for kind in TerritoryKind)]


class ReplicationRequestForm(PageForm):
    organisation = StringField(
        _l("Your organisation"),
        validators=[DataRequired(message=_l("Enter the name of your organisation.")),
                    Length(max=200, message=_l("At most %(max)d characters.", max=200))],
        description=_l("The administration, local authority or association that would take the innovation up."),
        filters=[_strip], render_kw={"autocomplete": "organization"})
    territory_name = StringField(
        _l("Territory"),
        validators=[DataRequired(message=_l("Enter the territory where you would take it up.")),
                    Length(max=200, message=_l("At most %(max)d characters.", max=200))],
        description=_l("A commune, an intercommunality, a département, a neighbourhood…"), filters=[_strip])
    commune_code = StringField(
        _l("INSEE code of the commune (optional)"),
        validators=[Optional(), Length(max=5, message=_l("An INSEE code has 5 characters, for example 35238."))],
        description=_l("The official geographic code, not the postcode: 35238 for Rennes, 2A004 for Ajaccio."),
        filters=[_strip], render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"})
    departement_code = SelectField(_l("Département"), choices=departement_choices(),
                                   validators=[DataRequired(message=_l("Choose a département."))])
    region_code = SelectField(_l("Région"), choices=region_choices(),
                              description=_l("Left as it is, the région of the département."))
    territory_kind = SelectField(_l("Type of territory"), choices=territory_kind_choices())
    motivation = TextAreaField(
        _l("Why you want to take it up"),
        validators=[DataRequired(message=_l("Say why you want to take this innovation up.")),
                    Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX))],
        description=_l("The problem you face, what you expect from this innovation, what you already have. The "
                       "team and the parrains read it; it is not public."),
        render_kw={"rows": 6})

    def territory_kind_value(self) -> TerritoryKind | None:
        return TerritoryKind(self.territory_kind.data) if self.territory_kind.data else None

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, and whether the territory's codes agree, in one round."""
        valid = super().validate(extra_validators)
        return check_codes(self) and valid


class ReplicationMessageForm(PageForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(message=_l("Write your message.")),
                    Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX))],
        description=_l("Everyone who follows this replication receives it by email."),
        render_kw={"rows": 5})


class ReplicationStatusForm(PageForm):
    # Choices: the statuses the replication may take now (services…replications.allowed_statuses).
    status = SelectField(_l("Where it stands"),
                         validators=[InputRequired(message=_l("Choose where the replication stands."))])
    note = TextAreaField(
        _l("A note for the timeline"),
        validators=[Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX))],
        description=_l("Required to abandon: say why, it helps the next ones. Otherwise optional: what happened "
                       "at this step."),
        render_kw={"rows": 3})
    variant = TextAreaField(
        _l("What you adapted"),
        validators=[Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX))],
        description=_l("What you changed from the original: its scale, its public, its partners, its tools."),
        render_kw={"rows": 4})
    results = TextAreaField(
        _l("Your own results"),
        validators=[Length(max=TEXT_MAX, message=_l("At most %(max)d characters.", max=TEXT_MAX))],
        description=_l("What it has achieved in your territory, once you know it."),
        render_kw={"rows": 4})

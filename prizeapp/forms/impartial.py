"""The organisers' setting of a peer prize's impartial selection: off, or how many groups."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..services.impartial import MAX_GROUPS, MIN_GROUPS
from .base import PageForm


def _choices():
    yield SelectChoice("0", _l("Off: the jury decides from the calibrated ranking"))
    for n in range(MIN_GROUPS, MAX_GROUPS + 1):
        yield SelectChoice(str(n), _l("%(num)d groups", num=n))


class ImpartialGroupsForm(PageForm):
    groups = RadioField(_l("Impartial selection"), choices=list(_choices()), validators=[InputRequired()],
                        description=_l("Two to four groups suit most prizes; never more groups than laureates, "
                                       "or some group gets none."))

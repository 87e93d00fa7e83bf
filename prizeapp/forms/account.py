from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..enums import NotificationMode
from . import fields
from .base import PageForm


class ProfileForm(PageForm):
    first_name = fields.first_name()
    last_name = fields.last_name()
    unit = fields.unit()
    locale = fields.locale(_l("Language"))
    notification_mode = RadioField(
        _l("Reminders and summaries"),
        choices=[SelectChoice(mode.value, mode.label) for mode in NotificationMode],
        default="immediate",
        description=_l("Reminders of deadlines and organisers' summaries. Receipts, assignments, decisions and "
                       "emails about your account are always sent at once."))


class PasswordForm(PageForm):
    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(message=_l("Enter your current password."))],
                            render_kw={"autocomplete": "current-password"})
    password = fields.new_password(_l("New password"))
    confirm = fields.password_confirmation(_l("Confirm the new password"))


class LanguageForm(PageForm):
    locale = fields.locale(_l("Language"))

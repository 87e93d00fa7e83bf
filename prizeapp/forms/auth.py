from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from . import fields
from .base import PageForm


class RegisterForm(PageForm):
    first_name = fields.first_name()
    last_name = fields.last_name()
    email = fields.email()
    unit = fields.unit()
    password = fields.new_password(_l("Password"))
    confirm = fields.password_confirmation(_l("Confirm the password"))
    locale = fields.locale(_l("Language of the emails and pages"))


class LoginForm(PageForm):
    email = fields.email()
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Stay signed in on this device"))


class ResetRequestForm(PageForm):
    email = fields.email()


class ResetPasswordForm(PageForm):
    password = fields.new_password(_l("New password"))
    confirm = fields.password_confirmation(_l("Confirm the new password"))


class ResendConfirmationForm(PageForm):
    email = fields.email()

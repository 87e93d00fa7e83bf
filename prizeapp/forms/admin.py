from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is the whole input (logout, re-send)."""

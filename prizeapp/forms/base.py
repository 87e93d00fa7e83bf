"""The base of every form: Flask-WTF's, with its hidden fields (the CSRF token, ids carried by a form) rendered
without an id: a page holds several such forms, ids must be unique on a page (RGAA 8.2), and a hidden field has
no label to point at it."""
from __future__ import annotations

from flask_wtf import FlaskForm


class PageForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if field.type in ("CSRFTokenField", "HiddenField"):
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)
